#!/usr/bin/env python3
"""Generates a deterministic multi-language, multi-service repository for the scan benchmarks.

usage: generate-repo.py OUT_DIR FILES MEGABYTES [SERVICES]
Services in Python, TypeScript, C#, Go and Java, each with a manifest, a Dockerfile and source files that
import real clients, read env vars, hold connection strings and API hosts; a compose file ties them together.
"""
import os
import random
import sys

out, files, megabytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
requested_services = int(sys.argv[4]) if len(sys.argv) > 4 else 0
rng = random.Random(42)
target_bytes = megabytes * 1024 * 1024
per_file = max(1024, target_bytes // files)

LANGS = {
    "py": ("python", "requirements.txt", "redis\npsycopg2-binary\nboto3\nopenai\nfastapi\nstripe\nsentry-sdk\n",
           ["import os", "import redis", "import psycopg2", "import boto3", "from openai import OpenAI", "import stripe", "import sentry_sdk"],
           ['DB = os.environ.get("DATABASE_URL", "postgres://db:5432/app")', 's3 = boto3.client("s3")', 'MODEL = "gpt-4o-mini"',
            'r = redis.Redis.from_url(os.getenv("REDIS_URL"))', 'URL = "https://api.stripe.com/v1/charges"']),
    "ts": ("typescript", "package.json", '{"name":"svc","scripts":{"start":"node dist"},"dependencies":{"express":"4","pg":"8","ioredis":"5","@anthropic-ai/sdk":"0.30","@aws-sdk/client-s3":"3"}}',
           ["import express from 'express';", "import { Pool } from 'pg';", "import Redis from 'ioredis';", "import Anthropic from '@anthropic-ai/sdk';", "import { S3Client } from '@aws-sdk/client-s3';"],
           ["const pool = new Pool({ connectionString: process.env.DATABASE_URL });", "const model = 'claude-sonnet-4-5';", "const redis = new Redis(process.env.REDIS_URL);",
            "fetch('https://api.anthropic.com/v1/messages');"]),
    "cs": ("csharp", "Service.csproj", '<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><PackageReference Include="Npgsql" Version="8.0.0" /><PackageReference Include="StackExchange.Redis" Version="2.7.0" /><PackageReference Include="RabbitMQ.Client" Version="6.8.0" /></ItemGroup></Project>',
           ["using System;", "using Npgsql;", "using StackExchange.Redis;", "using RabbitMQ.Client;"],
           ['var cs = Environment.GetEnvironmentVariable("ConnectionStrings__Db");', 'var mux = ConnectionMultiplexer.Connect("cache:6379");', 'var factory = new ConnectionFactory { Uri = new Uri("amqp://mq:5672") };']),
    "go": ("go", "go.mod", "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/redis/go-redis/v9 v9.5.1\n\tgithub.com/jackc/pgx/v5 v5.5.0\n\tgithub.com/nats-io/nats.go v1.33.0\n\tgolang.org/x/crypto v0.21.0 // indirect\n)\n",
           ['package main', 'import (', '\t"os"', '\t"github.com/redis/go-redis/v9"', '\t"github.com/jackc/pgx/v5"', '\t"github.com/nats-io/nats.go"', ')'],
           ['url := os.Getenv("NATS_URL")', 'db := "postgres://db/svc"', 'rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})']),
    "java": ("java", "pom.xml", "<project><artifactId>svc</artifactId><dependencies><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency><dependency><groupId>org.springframework.kafka</groupId><artifactId>spring-kafka</artifactId></dependency></dependencies></project>",
             ["package com.example;", "import org.postgresql.Driver;", "import org.springframework.kafka.core.KafkaTemplate;"],
             ['String url = System.getenv("JDBC_URL");', 'String jdbc = "jdbc:postgresql://db:5432/app";']),
}
# Each filler line carries a running number, so unrelated files never share long token runs by chance.
FILLER = [
    "    total_{n} = sum(item.price * item.quantity for item in order_{n}.items if item.active)",
    "    if (request.user && request.user.isAuthenticated()) {{ return render(view_{n}, context); }}",
    "    // compute the running average of window {n} of samples before emitting metrics",
    "    for (int i = 0; i < buffer_{n}.Length; i++) {{ checksum = (checksum * 31) ^ buffer_{n}[i]; }}",
    "    result_{n}, err := handler.Process(ctx, payload); if err != nil {{ return nil, err }}",
    "    logger.info(\"processed %d records in %.2f ms\", count_{n}, elapsed * 1000.0)",
]
# A helper module copied into every service of a language: the cross-service duplication the audit must find.
SHARED = "\n".join(f"    shared_step_{i} = compute_shared_value({i}, factor * {i}, offset + {i})  # copied helper" for i in range(60)) + "\n"

os.makedirs(out, exist_ok=True)
services = requested_services or max(5, files // 300)
written = 0
compose = ["services:"]
count = 0
for s in range(services):
    ext = list(LANGS)[s % len(LANGS)]
    lang, manifest, manifest_text, imports, calls = LANGS[ext]
    name = f"{lang}-svc-{s:03d}"
    base = os.path.join(out, "services", name)
    os.makedirs(os.path.join(base, "src"), exist_ok=True)
    with open(os.path.join(base, manifest), "w") as f: f.write(manifest_text)
    with open(os.path.join(base, "Dockerfile"), "w") as f: f.write(f"FROM alpine:3.19\nEXPOSE {8000 + s}\n")
    with open(os.path.join(base, ".env.example"), "w") as f: f.write(f"DATABASE_URL=postgres://svc{s}:devpassword{s}@db:5432/svc{s}\nREDIS_URL=redis://cache:6379/{s % 16}\n")
    compose += [f"  {name}:", f"    build: ./services/{name}", "    depends_on: [db, cache]"]
    with open(os.path.join(base, "src", f"shared_utils.{ext}"), "w") as f: f.write(SHARED)
    count += 4
share = max(1, (files - services * 4 - 2) // services)
serial = 0
for s in range(services):
    ext = list(LANGS)[s % len(LANGS)]
    lang, manifest, manifest_text, imports, calls = LANGS[ext]
    name = f"{lang}-svc-{s:03d}"
    for i in range(share):
        lines = list(imports)
        size = 0
        body = []
        while size < per_file:
            serial += 1
            line = rng.choice(calls) if rng.random() < 0.08 else rng.choice(FILLER).format(n=serial)
            body.append(line)
            size += len(line) + 1
        path = os.path.join(out, "services", name, "src", f"module_{i:04d}.{ext}")
        text = "\n".join(lines + body) + "\n"
        with open(path, "w") as f: f.write(text)
        written += len(text)
        count += 1
compose += ["  db:", "    image: postgres:16", "  cache:", "    image: redis:7", "  mq:", "    image: rabbitmq:3"]
with open(os.path.join(out, "docker-compose.yml"), "w") as f: f.write("\n".join(compose) + "\n")
with open(os.path.join(out, ".env.example"), "w") as f: f.write("OPENAI_API_KEY=\nSTRIPE_SECRET_KEY=\nDATABASE_URL=\n")
count += 2
print(f"{count} files, {written / 1024 / 1024:.0f} MB of source in {services} services at {out}", file=sys.stderr)
