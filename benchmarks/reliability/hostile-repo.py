#!/usr/bin/env python3
"""Writes a hostile repository for `panoptic scan`, `audit` and `check` (benchmarks/reliability/hostile-repos.sh).

usage: hostile-repo.py OUT_DIR [--small]

Every kind of input that has broken or could break a scanner (a broken panoptic.yaml is left out: that is the user's
own configuration, refused with exit 2 and its line, as tested elsewhere): a 100 MB single-line file, binaries with source
extensions, malformed manifests of every kind the scanner reads, symlink loops and links pointing outside the tree,
file names that are not UTF-8 or hold newlines, 50,000 empty files, 200 levels of nesting, and pathological ignore
files. Deterministic (seeded), so a failure reproduces. --small writes a tenth of the bulk, for a quick run.
"""
import os
import random
import sys

OUTSIDE_SECRET = "PANOPTIC-OUTSIDE-THE-TREE-8f3a"

MALFORMED = {
    "package.json": '{"name": "x", "dependencies": {"openai": ',
    "web/package.json": '{"dependencies": [1, 2, {"a": null}], "scripts": 7}',
    "pyproject.toml": '[project]\nname = "x"\ndependencies = ["openai" \n[tool.poetry\n',
    "requirements.txt": "openai==\n-r requirements.txt\n--index-url\n\x00\x01\n",
    "api/api.csproj": '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Npgsql" Version=',
    "Directory.Packages.props": "<Project><ItemGroup><PackageVersion Include=\"A\" Version=\"1\"/></ItemGroup>",
    "pom.xml": "<project><dependencies><dependency><groupId>org.postgresql</groupId></dependencies>",
    "build.gradle": "dependencies { implementation 'org.postgresql:postgresql:' + \n",
    "settings.gradle.kts": 'include(":a", \n',
    "Gemfile": "gem 'pg', '>= \ngem\n",
    "Gemfile.lock": "GEM\n  specs:\n    pg (\n",
    "composer.json": '{"require": {"stripe/stripe-php": {"x": [}}',
    "go.mod": "module\nrequire (\n  github.com/lib/pq\n",
    "Cargo.toml": '[dependencies]\nsqlx = { version = "0.7", features = [\n',
    "mix.exs": "defp deps do\n  [{:postgrex, \n",
    "docker-compose.yml": "services:\n  db:\n    image: [postgres\n  : \n",
    "compose.override.yaml": "services: !!binary |\n  not base64 %%%\n",
    "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {containers: [{image: redis}\n",
    "charts/app/Chart.yaml": "apiVersion: v2\nname: [\n",
    "charts/app/values.yaml": "? complex key\n: value\n&anchor a: *missing\n",
    "config/database.yml": "production:\n  <<: *undefined\n  adapter: postgresql\n",
    "config/application.yml": "spring:\n  datasource:\n    url: jdbc:postgresql://\n  :\n",
    ".env.example": "DATABASE_URL=postgres://user:pa ss@/\nOPENAI_API_KEY\n=novalue\n\x00\n",
    "appsettings.json": '{"ConnectionStrings": {"Db": "Host=;Password=secret"} ',
    "Dockerfile": "FROM \nFROM postgres AS\nEXPOSE abc\n",
    ".github/workflows/ci.yml": "on: [push\njobs: {",
    "main.tf": 'resource "aws_db_instance" "x" {\n  engine = \n',
    "deep.json": "[" * 100_000,
    "deep.yaml": "- " * 20_000 + "x\n",
}


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


def main():
    out = sys.argv[1]
    small = "--small" in sys.argv
    rng = random.Random(22)
    os.makedirs(out, exist_ok=True)
    # A secret outside the tree that nothing may read or print, and links to it.
    outside = os.path.join(os.path.dirname(os.path.abspath(out)), "outside-secret.txt")
    write(outside, f"OPENAI_API_KEY=sk-{OUTSIDE_SECRET}\n")
    for name, target in [("link-outside.env", outside), ("link-etc", "/etc"), ("link-root", "/"), ("link-dangling.py", "/nonexistent/x.py")]:
        os.symlink(target, os.path.join(out, name))
    os.makedirs(os.path.join(out, "loop"), exist_ok=True)
    os.symlink("..", os.path.join(out, "loop", "up"))
    os.symlink("b", os.path.join(out, "loop", "a"))
    os.symlink("a", os.path.join(out, "loop", "b"))
    # The bulk: one 100 MB line, binaries named as source.
    with open(os.path.join(out, "minified.js"), "w") as f:
        chunk = "var a=fetch('https://api.openai.com/v1/x');" * 1000
        for _ in range((10 if small else 100) * 1024 * 1024 // len(chunk)):
            f.write(chunk)
    for i in range(20):
        write(os.path.join(out, "bin", f"blob{i}.py"), bytes(rng.getrandbits(8) for _ in range(50_000)), "wb")
    for name, text in MALFORMED.items():
        write(os.path.join(out, name), text)
    # Names: not UTF-8, newlines, a leading dash, right-to-left marks, the longest a name may be.
    for raw in [b"not-utf8-\xff\xfe.py", b"new\nline.js", b"-rf.sh", "\u202eexe.txt.py".encode(), b"x" * 250 + b".py", b" spaced name .env"]:
        path = os.path.join(os.fsencode(out), b"names", raw)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(b"import openai\n")
    # 50,000 empty files; 200 levels of nesting.
    for i in range(5_000 if small else 50_000):
        d = os.path.join(out, "empty", f"d{i // 1000}")
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, f"f{i}.py"), "w").close()
    deep = out
    for i in range(200):
        deep = os.path.join(deep, f"n{i % 10}")
    write(os.path.join(deep, "app.py"), "import redis\nredis.Redis()\n")
    # Ignore files that backtrack a regex translation, and a huge plain one.
    write(os.path.join(out, ".gitignore"), "\n".join(["**/" * 20 + "nomatch", "**/" * 10 + "*.tmp"] + [f"plain-{i}.log" for i in range(20_000)]) + "\n")
    # Broken and pathological patterns in a folder of their own (a bare `**` there ignores only that folder).
    write(os.path.join(out, "weird-ignores", ".gitignore"), "[\n\\\n!\n**\n!**/\n" + "*" * 5000 + "\n")
    write(os.path.join(out, "weird-ignores", "kept.py"), "import openai\n")
    print(out)


if __name__ == "__main__":
    main()
