"""A one-file Django project for the middleware tests."""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False, SECRET_KEY="tests", ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"],
        MIDDLEWARE=["panoptic.middleware.django.PanopticMiddleware"],
        PANOPTIC={"RESOLVER": "django_app.resolve"},
        INSTALLED_APPS=[], DATABASES={}, LOGGING_CONFIG=None,
    )
    django.setup()

from django.http import JsonResponse  # noqa: E402
from django.test import AsyncClient, Client  # noqa: E402
from django.urls import path  # noqa: E402

import panoptic  # noqa: E402


def resolve(request: Any) -> dict:
    return {"tenant_id": request.headers.get("x-tenant")}


def order(request: Any, order_id: int) -> JsonResponse:
    ctx = panoptic.current_context()
    return JsonResponse({"tenant": ctx.tenant_id, "user": ctx.user_id, "feature": ctx.feature})


def crash(request: Any) -> JsonResponse:
    raise RuntimeError("bug")


urlpatterns = [path("orders/<int:order_id>/", order), path("crash/", crash)]


def client() -> Client:
    return Client(raise_request_exception=False)


def async_client() -> AsyncClient:
    return AsyncClient(raise_request_exception=False)
