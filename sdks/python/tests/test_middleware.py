"""The middlewares with real FastAPI and Starlette (TestClient), Flask and Django (their test clients)."""

from __future__ import annotations

import pytest

import panoptic
from fakes import Collect
from panoptic.middleware import header

BAGGAGE = {"baggage": "tenant_id=upstream,user_id=ann,feature=search,request_id=req-1"}


def _requests(events: Collect) -> list[dict]:
    panoptic.flush()
    return [e for e in events.events if e["provider"] == "http.server"]


def _fastapi_app(resolve, **options):  # type: ignore[no-untyped-def]
    from fastapi import FastAPI, HTTPException
    from panoptic.middleware.asgi import PanopticMiddleware

    app = FastAPI()
    app.add_middleware(PanopticMiddleware, resolve=resolve, **options)

    @app.get("/orders/{order_id}")
    async def order(order_id: int) -> dict:
        panoptic.track("openai", name="chat")
        ctx = panoptic.current_context()
        return {"tenant": ctx.tenant_id, "user": ctx.user_id, "feature": ctx.feature, "request": ctx.request_id}

    @app.get("/sync")
    def sync() -> dict:
        return {"tenant": panoptic.current_context().tenant_id}

    @app.get("/boom")
    async def boom() -> None:
        raise HTTPException(503, "down")

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("bug")

    return app


def test_fastapi_context_from_baggage_then_resolver_and_request_recorded(events: Collect) -> None:
    from fastapi.testclient import TestClient
    client = TestClient(_fastapi_app(lambda scope: {"tenant_id": header(scope, "x-tenant")}))
    body = client.get("/orders/42", headers={**BAGGAGE, "x-tenant": "acme"}).json()
    assert body == {"tenant": "acme", "user": "ann", "feature": "search", "request": "req-1"}
    assert client.get("/sync", headers={"x-tenant": "acme"}).json() == {"tenant": "acme"}
    assert client.get("/boom").status_code == 503
    [chat] = [e for e in events.events if e["provider"] == "openai"] or [None] if panoptic.flush() else []
    assert chat["tenant_id"] == "acme"
    recorded = _requests(events)
    assert [e["operation"] for e in recorded] == ["GET /orders/{order_id}", "GET /sync", "GET /boom"]
    assert recorded[0]["attributes"]["status_code"] == 200 and recorded[0]["cost"]["amount"] == 0
    assert recorded[2]["status"] == "error" and recorded[2]["attributes"]["status_code"] == 503


def test_fastapi_resolver_that_raises_never_fails_the_request(events: Collect, caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    def resolve(scope: dict) -> dict:
        raise ValueError("no tenant claim")

    client = TestClient(_fastapi_app(resolve))
    assert client.get("/orders/1", headers=BAGGAGE).json()["tenant"] == "upstream"
    assert "no tenant claim" in caplog.text


def test_fastapi_async_resolver_and_read_baggage_off(events: Collect) -> None:
    from fastapi.testclient import TestClient

    async def resolve(scope: dict) -> dict:
        return {"plan": "pro"}

    client = TestClient(_fastapi_app(resolve, read_baggage=False))
    body = client.get("/orders/1", headers=BAGGAGE).json()
    assert body["tenant"] is None and body["request"] and body["request"] != "req-1"


def test_fastapi_exception_recorded_failed_and_still_raised(events: Collect) -> None:
    from fastapi.testclient import TestClient
    client = TestClient(_fastapi_app(None), raise_server_exceptions=False)
    assert client.get("/crash").status_code == 500
    [e] = _requests(events)
    assert e["status"] == "error" and e["error"]["type"] == "RuntimeError" and e["operation"] == "GET /crash"


def test_starlette_route_template_found_from_the_endpoint(events: Collect) -> None:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient
    from panoptic.middleware.asgi import PanopticMiddleware

    async def item(request):  # type: ignore[no-untyped-def]
        return JSONResponse({"tenant": panoptic.current_context().tenant_id})

    app = Starlette(routes=[Route("/items/{item_id:int}", item)])
    app.add_middleware(PanopticMiddleware, resolve=lambda scope: {"tenant_id": "t1"})
    assert TestClient(app).get("/items/3").json() == {"tenant": "t1"}
    assert [e["operation"] for e in _requests(events)] == ["GET /items/{item_id}"]


def test_flask_wsgi_context_per_request_and_rule_recorded(events: Collect) -> None:
    import flask
    from panoptic.middleware.wsgi import PanopticMiddleware

    app = flask.Flask("t")

    @app.before_request
    def login() -> None:
        if flask.request.headers.get("x-user"):
            panoptic.set_context(user_id=flask.request.headers["x-user"])

    @app.route("/orders/<int:order_id>")
    def order(order_id: int) -> dict:
        ctx = panoptic.current_context()
        return {"tenant": ctx.tenant_id, "user": ctx.user_id, "request": ctx.request_id}

    @app.route("/stream")
    def stream() -> flask.Response:
        def body():  # type: ignore[no-untyped-def]
            yield (panoptic.current_context().tenant_id or "-").encode()
        return flask.Response(body())

    @app.route("/crash")
    def crash() -> None:
        raise RuntimeError("bug")

    app.wsgi_app = PanopticMiddleware(app.wsgi_app, resolve=lambda environ: {"tenant_id": header(environ, "x-tenant")})
    client = app.test_client()
    # buffered: the test client then closes the body as a WSGI server does, which ends the request
    body = client.get("/orders/7", headers={"x-tenant": "acme", "x-user": "ann", "x-request-id": "abc-1"}, buffered=True).get_json()
    assert body == {"tenant": "acme", "user": "ann", "request": "abc-1"}
    assert client.get("/orders/8", buffered=True).get_json()["user"] is None  # nothing leaks into the next request
    assert client.get("/stream", headers={"x-tenant": "globex"}, buffered=True).data == b"globex"
    assert client.get("/crash", buffered=True).status_code == 500
    assert panoptic.current_context().tenant_id is None
    recorded = _requests(events)
    assert [e["operation"] for e in recorded] == ["GET /orders/{order_id}", "GET /orders/{order_id}", "GET /stream", "GET /crash"]
    assert recorded[0]["tenant_id"] == "acme" and recorded[3]["status"] == "error"


def test_flask_hostile_headers_never_fail_the_request(events: Collect) -> None:
    import flask
    from panoptic.middleware.wsgi import PanopticMiddleware

    app = flask.Flask("t")
    app.add_url_rule("/", "root", lambda: {"tenant": panoptic.current_context().tenant_id, "request": panoptic.current_context().request_id})
    app.wsgi_app = PanopticMiddleware(app.wsgi_app)
    hostile = {"baggage": "tenant_id=%ff%fe" + "," * 10_000 + "user_id=" + "x" * 50_000,
               "x-request-id": "bad id with spaces\t", "traceparent": "00-zz-" + "1" * 5000}
    body = app.test_client().get("/", headers=hostile, buffered=True).get_json()
    assert body["request"] != "bad id with spaces\t" and len(body["request"]) == 16
    assert _requests(events)[0]["attributes"]["status_code"] == 200


def test_django_middleware_sync_and_resolver_from_settings(events: Collect) -> None:
    from django_app import client
    response = client().get("/orders/5/", HTTP_X_TENANT="acme", HTTP_BAGGAGE="feature=billing,user_id=ann")
    assert response.json() == {"tenant": "acme", "user": "ann", "feature": "billing"}
    assert client().get("/crash/").status_code == 500
    recorded = _requests(events)
    assert [e["operation"] for e in recorded] == ["GET /orders/{order_id}/", "GET /crash/"]
    assert recorded[0]["tenant_id"] == "acme" and recorded[1]["status"] == "error"


def test_django_middleware_async(events: Collect) -> None:
    import asyncio
    from django.http import JsonResponse
    from django.test import RequestFactory
    import django_app  # noqa: F401  (configures Django)
    from panoptic.middleware.django import PanopticMiddleware

    async def view(request: object) -> JsonResponse:
        await asyncio.sleep(0)
        return JsonResponse({"tenant": panoptic.current_context().tenant_id})

    middleware = PanopticMiddleware(view)
    assert asyncio.iscoroutinefunction(middleware)
    response = asyncio.run(middleware(RequestFactory().get("/orders/6/", HTTP_X_TENANT="globex")))
    assert response.status_code == 200 and b"globex" in response.content
    [e] = _requests(events)
    assert e["tenant_id"] == "globex" and e["operation"] == "GET"
