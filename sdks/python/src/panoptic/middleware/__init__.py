"""Request middleware that sets the context per request and never fails one: :mod:`.asgi` (FastAPI, Starlette),
:mod:`.wsgi` (Flask), :mod:`.django`. Each imports nothing of its framework until used."""

from ._common import header

__all__ = ["header"]
