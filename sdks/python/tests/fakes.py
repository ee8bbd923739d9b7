"""Hand-written stand-ins for the world outside: an OpenAI/Anthropic-compatible server on loopback, a Panoptic
ingestion endpoint with scripted answers, and an in-memory transport."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from panoptic.export import OK, SendResult

CHAT_JSON = {
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini-2024-07-18",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500,
              "prompt_tokens_details": {"cached_tokens": 1000}, "completion_tokens_details": {"reasoning_tokens": 100}},
}


def chat_chunks(words: list[str], usage: bool = True) -> list[bytes]:
    """An OpenAI chat stream: one chunk per word, then (with include_usage) a usage chunk, then [DONE]."""
    out = []
    for word in words:
        chunk = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "model": "gpt-4o-mini-2024-07-18",
                 "choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}], "usage": None}
        out.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    if usage:
        last = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "model": "gpt-4o-mini-2024-07-18", "choices": [],
                "usage": {"prompt_tokens": 50, "completion_tokens": len(words), "total_tokens": 50 + len(words),
                          "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}}}
        out.append(b"data: " + json.dumps(last).encode() + b"\n\n")
    out.append(b"data: [DONE]\n\n")
    return out


ANTHROPIC_SSE = [
    b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","model":"claude-3-5-haiku-20241022",'
    b'"usage":{"input_tokens":20,"cache_read_input_tokens":100,"cache_creation_input_tokens":30,"output_tokens":1}}}\n\n',
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n',
    b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}\n\n',
    b'event: message_stop\ndata: {"type":"message_stop"}\n\n',
]


class _QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (keep-alive, as providers answer) and no request log on stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Serves ``handler`` on a free loopback port from a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


class FakeProvider:
    """Routes: POST /v1/chat/completions (JSON, or SSE when the body asks to stream), /v1/messages (Anthropic SSE),
    /gzip (gzip JSON), /malformed-json, /malformed-sse, /huge-json, /huge-line, /rate-limited (429), /hold
    (a stream that waits for ``release`` after its first chunk), /echo-headers."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.requests: list[dict[str, Any]] = []
        provider = self

        class Handler(_QuietHandler):
            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                provider.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                provider.route(self, body)

        self.server = _serve(Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self.release.set()
        _stop(self.server)

    @staticmethod
    def send_json(h: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def send_stream(h: BaseHTTPRequestHandler, chunks: list[bytes], hold: threading.Event | None = None) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream; charset=utf-8")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for i, chunk in enumerate(chunks):
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.flush()
            if i == 0 and hold is not None:
                hold.wait(10)
        h.wfile.write(b"0\r\n\r\n")
        h.wfile.flush()

    def route(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        path = h.path.split("?")[0]
        if path == "/v1/chat/completions":
            request = json.loads(body or b"{}")
            if request.get("stream"):
                include = bool((request.get("stream_options") or {}).get("include_usage"))
                self.send_stream(h, chat_chunks(["Hel", "lo", " there"], usage=include))
            else:
                self.send_json(h, 200, json.dumps(CHAT_JSON).encode())
        elif path == "/v1/messages":
            self.send_stream(h, ANTHROPIC_SSE)
        elif path == "/gzip":
            data = gzip.compress(json.dumps(CHAT_JSON).encode())
            self.send_json(h, 200, data, {"Content-Encoding": "gzip"})
        elif path == "/malformed-json":
            self.send_json(h, 200, b'{"model": "gpt-4o-mini", "usage": {"prompt_tokens": 5,')
        elif path == "/malformed-sse":
            self.send_stream(h, [b"data: {not json\n\n", b"data: \x00\xff\xfe garbage\n", b":comment\n\nevent: x\n",
                                 b'data: {"model":"gpt-4o-mini","usage":{"prompt_tokens":7,"completion_tokens":3}}\n\n'])
        elif path == "/huge-json":
            filler = "x" * (9 << 20)
            self.send_json(h, 200, json.dumps({"model": "gpt-4o-mini", "filler": filler,
                                               "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode())
        elif path == "/huge-line":
            self.send_stream(h, [b"data: " + b"y" * (2 << 20), b"\n\n",
                                 b'data: {"model":"gpt-4o-mini","usage":{"prompt_tokens":11,"completion_tokens":2}}\n\n'])
        elif path == "/rate-limited":
            self.send_json(h, 429, b'{"error":{"message":"slow down"}}')
        elif path == "/hold":
            self.send_stream(h, chat_chunks(["a", "b"]), hold=self.release)
        else:
            self.send_json(h, 200, json.dumps({"headers": dict(h.headers)}).encode())


class ScriptedIngest:
    """A stand-in for POST /api/v1/events answering with ``statuses`` in turn (then 200), recording each body."""

    def __init__(self, statuses: list[int] | None = None, retry_after: str | None = None) -> None:
        self.statuses = list(statuses or [])
        self.bodies: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        ingest = self

        class Handler(_QuietHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                ingest.bodies.append(json.loads(body))
                ingest.headers.append(dict(self.headers))
                status = ingest.statuses.pop(0) if ingest.statuses else 200
                self.send_response(status)
                if retry_after and status in (429, 503):
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = _serve(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def ids(self) -> list[list[str]]:
        return [[e["id"] for e in body.get("events", [])] for body in self.bodies]

    def close(self) -> None:
        _stop(self.server)


class Collect:
    """A transport keeping every event's JSON in memory."""

    def __init__(self, answer: Callable[[list[Any]], SendResult] | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.batches: list[list[str]] = []
        self.answer = answer

    def send(self, batch: list[Any]) -> SendResult:
        result = self.answer(batch) if self.answer else OK
        self.batches.append([e.id for e in batch])
        if result.sent:
            self.events += [e.to_json() for e in batch]
        return result

    def close(self) -> None:
        pass


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
