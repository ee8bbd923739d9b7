using Panoptic.TestUtilities;

namespace Panoptic.Scanner.Tests;

/// <summary>A three-service monorepo with known defects, and known non-defects that must not be reported.</summary>
internal static class AuditFixtures
{
    private static readonly string Common = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Audit", "common_module.py"));

    public static TempRepository Monorepo() => new TempRepository("mono")
        .With("docker-compose.yml", """
            services:
              orders:
                build: ./services/orders
                ports: ["8000:8000"]
                depends_on: [db]
                environment:
                  DATABASE_URL: postgres://app:${DB_PASSWORD}@db/shop
              payments:
                build: ./services/payments
                ports: ["8000:8000"]
                environment:
                  - DATABASE_URL=postgres://app:${DB_PASSWORD}@db/shop
              users:
                build: ./services/users
                ports: ["8002:3000"]
              db:
                image: postgres:16
                environment:
                  POSTGRES_DB: shop
            """)
        .With("services/orders/requirements.txt", "fastapi==0.110.0\nrequests==2.31.0\nstructlog==24.1.0\nopentelemetry-sdk==1.24.0\nprometheus-client==0.20.0\npydantic-settings==2.2.1\n")
        .With("services/orders/main.py", """
            import os
            import structlog
            import uvicorn
            from fastapi import FastAPI
            from pydantic_settings import BaseSettings

            app = FastAPI()
            log = structlog.get_logger()

            @app.get("/v1/orders")
            def list_orders():
                return []

            @app.get("/v1/orders/{order_id}")
            def get_order(order_id: str):
                return {"id": order_id, "db": os.environ.get("DATABASE_URL")}

            @app.get("/health")
            def health():
                return {"ok": True}

            if __name__ == "__main__":
                uvicorn.run(app, host="0.0.0.0", port=8000)
            """)
        .With("services/orders/common.py", Common)
        .With("services/orders/Dockerfile", "FROM python:3.12-slim\nCOPY . /app\nUSER app\nHEALTHCHECK CMD curl -f http://localhost:8000/health\nEXPOSE 8000\n")
        .With("services/orders/tests/test_orders.py", "def test_list():\n    assert True\n\ndef test_get():\n    assert True\n")
        .With("services/orders/gen/orders_pb2.py", Common)
        .With("services/payments/requirements.txt", "flask==3.0.0\nrequests==2.28.0\ngunicorn\n")
        .With("services/payments/app.py", """
            import configparser
            import requests
            from flask import Flask

            app = Flask(__name__)

            @app.route("/payments")
            def payments():
                print("listing payments")
                return requests.get("https://bank.example/api", verify=False).text

            @app.route("/refunds")
            def refunds():
                return "[]"

            @app.route("/healthz")
            def healthz():
                return "ok"

            if __name__ == "__main__":
                app.run(host="0.0.0.0", port=8000, debug=True)
            """)
        .With("services/payments/common.py", Common)
        .With("services/payments/Dockerfile", "FROM python:3.11-slim\nCOPY . /app\nEXPOSE 8000\n")
        .With("services/users/package.json", "{\"name\":\"users\",\"scripts\":{\"start\":\"node index.js\"},\"dependencies\":{\"express\":\"4.19.2\",\"pino\":\"9.0.0\",\"cors\":\"2.8.5\",\"dotenv\":\"16.4.5\"}}")
        .With("services/users/package-lock.json", "{}")
        .With("services/users/index.js", """
            require('dotenv').config();
            const express = require('express');
            const cors = require('cors');
            const pino = require('pino')();
            const app = express();
            app.use(cors());
            app.get('/v1/users', (req, res) => res.json([]));
            app.get('/v1/users/:id', (req, res) => res.json({}));
            app.get('/status', (req, res) => res.send('ok'));
            app.listen(process.env.PORT || 3000);
            """)
        .With("services/users/Dockerfile", "FROM node:20-alpine\nCOPY . .\nCMD [\"node\", \"index.js\"]\n")
        .With("k8s/orders.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: orders }
            spec:
              template:
                spec:
                  containers:
                    - name: orders
                      image: acme/orders:1
                      ports: [{ containerPort: 8080 }]
            """)
        .With("k8s/users.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: users }
            spec:
              template:
                spec:
                  containers:
                    - name: users
                      image: acme/users:1
                      ports: [{ containerPort: 8080 }]
            """)
        .With("vendor/payments-copy/common.py", Common);
}
