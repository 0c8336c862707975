"""HTTP for the fake: keep-alive HTTP/1.1, /v1 for the API, /_fake for the control endpoints."""

from __future__ import annotations

import contextlib
import hmac
import json
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from . import routes, validation
from .call import Call, Reply
from .errors import ApiError
from .ids import iso
from .render import Renderer

if TYPE_CHECKING:
    from .app import FakeGitBook

MAX_BODY_BYTES = 5_000_000
FAULT_MESSAGES = {
    500: "Internal server error",
    502: "Bad gateway: the upstream service did not answer",
    503: "Service temporarily unavailable, please retry",
}


def encode(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handler) -> None:
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # A client that hangs up mid-exchange is ordinary; anything else is worth a traceback.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def close_open_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class FakeServer:
    """A running fake: ``url`` is the API base URL; ``stop()`` frees the port."""

    def __init__(self, fake: FakeGitBook, host: str = "127.0.0.1", port: int = 0) -> None:
        self.stopping = threading.Event()
        handler = type("BoundHandler", (_Handler,), {"fake": fake, "stopping": self.stopping})
        self._httpd = _HTTPServer((host, port), handler)
        self.host = host
        self.port = self._httpd.server_address[1]
        url_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        if ":" in url_host:
            url_host = f"[{url_host}]"
        self.base_url = f"http://{url_host}:{self.port}"
        self.url = f"{self.base_url}/v1"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"gitbook-fake-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()  # wakes handlers holding a latency or timeout fault
        self._httpd.shutdown()
        self._httpd.close_open_connections()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitBookFake/1.0"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed after a minute
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    fake: FakeGitBook
    stopping: threading.Event

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self):
        self._dispatch()

    do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
            split = urlsplit(self.path)
            if split.path == "/v1" or split.path.startswith("/v1/"):
                self._api(
                    split.path[3:] or "/", parse_qs(split.query, keep_blank_values=True), body
                )
            elif split.path.startswith("/_fake/"):
                self._control(split.path, body)
            else:
                self._send_error(ApiError(404, f"No route for {self.command} {split.path}"))
        except ApiError as error:
            self._send_error(error)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            self._send_error(ApiError(500, f"The fake failed: {exc.__class__.__name__}"))

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError(413, "Request body too large")
        return self.rfile.read(length) if length else b""

    # /v1: the API, behind latency, the rate limit and injected faults.

    def _api(self, path: str, query: dict[str, list[str]], raw_body: bytes) -> None:
        fake, config = self.fake, self.fake.config
        route, params, path_exists = routes.match(self.command, path)
        if (
            route
            and config.api_version == "current"
            and route.operation_id in routes.GONE_IN_CURRENT
        ):
            route, path_exists = None, False
        fake.stats_counter.count_request(route.operation_id if route else None)
        if config.latency_ms:
            self.stopping.wait(config.latency_ms / 1000)
        token = self._bearer_token()
        decision = fake.rate_limiter.hit(token or "anonymous")
        headers = decision.headers()
        if not decision.allowed:
            fake.stats_counter.count_rate_limited()
            message = f"API rate limit exceeded. Please try again in {decision.retry_after} seconds"
            return self._send_error(ApiError(429, message), headers)
        fault = fake.faults.draw(
            config.fault_rate, config.fault_kinds, bool(route and route.is_write)
        )
        if fault:
            fake.stats_counter.count_fault()
            if fault.status:
                return self._send_error(
                    ApiError(fault.status, FAULT_MESSAGES[fault.status]), headers
                )
            if not fault.after_change:
                return self._lose_response(fault.kind)
        try:
            reply = self._run(route, params, query, raw_body, path_exists, token)
        except ApiError as error:
            reply = Reply(error.status, error.body(), error.headers)
        if fault:
            return self._lose_response(fault.kind)
        self._send(reply.status, reply.body, {**headers, **reply.headers})

    def _run(self, route, params, query, raw_body, path_exists, token) -> Reply:
        if route is None:
            if path_exists:
                raise ApiError(405, f"Method {self.command} is not allowed on {self.path}")
            raise ApiError(404, f"No route for {self.command} {urlsplit(self.path).path}")
        if token is None:
            raise ApiError(
                401, "Authentication required: send an 'Authorization: Bearer <token>' header"
            )
        if not hmac.compare_digest(token.encode(), self.fake.config.token.encode()):
            raise ApiError(401, "Invalid or expired access token")
        body = None
        if raw_body.strip() and route.operation_id in validation.body_validators():
            try:
                body = json.loads(raw_body)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ApiError(400, f"Malformed JSON body: {exc}") from None
        body = validation.validate_body(route.operation_id, body)
        world = self.fake.world
        api_base = f"http://{self.headers.get('Host') or self.server.server_address[0]}/v1"
        with world.lock:
            call = Call(world, Renderer(world, api_base), params, query, body, api_base)
            return route.handler(call)

    def _bearer_token(self) -> str | None:
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        return value.strip()

    def _lose_response(self, kind: str) -> None:
        if kind == "timeout":
            self.stopping.wait(self.fake.config.fault_timeout_s)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # /_fake: the control endpoints, for tests and supervisors on the same machine.

    def _control(self, path: str, raw_body: bytes) -> None:
        fake, method = self.fake, self.command
        path = path.rstrip("/")
        try:
            body = json.loads(raw_body) if raw_body.strip() else {}
        except ValueError as exc:
            raise ApiError(400, f"Malformed JSON body: {exc}") from None
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object")
        if (method, path) == ("GET", "/_fake/health"):
            return self._send(200, {"status": "ok", "organization": fake.org_id})
        if (method, path) == ("GET", "/_fake/stats"):
            return self._send(200, fake.stats())
        if (method, path) == ("POST", "/_fake/stats/reset"):
            fake.reset_stats()
            return self._send(200, fake.stats())
        if (method, path) == ("POST", "/_fake/clock"):
            seconds = body.get("advance")
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
                raise ApiError(400, "advance must be a number of seconds, 0 or more")
            now = fake.clock.advance(seconds=seconds)
            return self._send(200, {"now": iso(now), "offset": fake.clock.offset})
        if path == "/_fake/config" and method in ("GET", "POST"):
            if method == "POST":
                try:
                    fake.configure(**body)
                except (TypeError, ValueError) as exc:
                    raise ApiError(400, str(exc)) from None
            return self._send(200, fake.knobs())
        raise ApiError(404, f"No control endpoint {method} {path}")

    # Writing answers: always a Content-Length, so keep-alive connections stay in step.

    def _send_error(self, error: ApiError, headers: dict[str, str] | None = None) -> None:
        self._send(error.status, error.body(), {**(headers or {}), **error.headers})

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = encode(payload) if payload is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        if status != 204:
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
