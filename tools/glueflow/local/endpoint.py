"""A Glue-compatible endpoint on loopback: AWS JSON 1.1, `POST /` with `X-Amz-Target: AWSGlue.<Op>`.

boto3, the AWS CLI, the Lambda handler and job scripts reach the local runtime through it unchanged. It binds
127.0.0.1 only and does not check signatures (the trust boundary is in the package README).

Connections are served by one asyncio loop in a background thread: an idle or slow connection costs a coroutine,
and requests are read under the limits of `http_limits` (body size, read deadline). Read operations (Get*, List*,
BatchGet*: a few SQLite reads) are answered on the loop itself: handing each to a thread and back cost two thread
switches and GIL hand-offs, which under load dominated their latency (p99 of 400 calls from 8 threads with 300 idle
sockets, on a loaded 2-core machine: ~1 s through the pool, ~0.16 s inline). Every other request (starts, stops,
puts, the console's pages) goes to a bounded pool of worker threads (`WORKERS`), because it may block on the
engine; the pool bounds how much such work callers can make run at once, whatever the number of connections.

Under `glueflow serve`, `GET` requests go to the read-only web console (`glueflow.web`), on the same pool.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import threading
from typing import Any

from glueflow.local.errors import GlueApiError
from glueflow.local.http_limits import MAX_HEADER_BYTES, Request, RequestError, read_request
from glueflow.run_changes import SEEN_HEADER, WAIT_HEADER

TARGET_PREFIX = "AWSGlue."
CONTENT_TYPE = "application/x-amz-json-1.1"
WORKERS = 8
READ_PREFIXES = ("Get", "List", "BatchGet")
MAX_CONNECTIONS = 1024  # beyond this, new connections are closed at once (each open one costs a file descriptor)

log = logging.getLogger(__name__)


class EndpointServer:
    """A running endpoint: `.url`, `.shutdown()`."""

    def __init__(self, runtime: Any, host: str, port: int, web: Any = None) -> None:
        self._runtime = runtime
        self._web = web
        self._pool = concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="glue-endpoint-worker")
        self._loop = asyncio.new_event_loop()
        self._connections: set[asyncio.Task[None]] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, name="glue-endpoint", daemon=True)
        self._thread.start()
        # The first request loads botocore's Glue model (~0.5 s); until that is done, reads go to the pool too, so
        # the loading never blocks the loop (and every other connection with it).
        self._warm = threading.Event()
        threading.Thread(target=self._warm_up, name="glue-endpoint-warm-up", daemon=True).start()
        # The server is created on the endpoint's own loop: the caller's thread may be running an event loop of
        # its own (Jupyter, Playwright's sync API), where run_until_complete would refuse to start.
        listen = asyncio.start_server(self._serve_connection, host, port, limit=MAX_HEADER_BYTES, backlog=512)
        try:
            self._server = asyncio.run_coroutine_threadsafe(listen, self._loop).result()
        except BaseException:
            self._stop_loop()
            raise
        bound = self._server.sockets[0].getsockname()
        self.url = f"http://{bound[0]}:{bound[1]}" if ":" not in bound[0] else f"http://[{bound[0]}]:{bound[1]}"

    def _warm_up(self) -> None:
        with contextlib.suppress(Exception):
            from glueflow.local.runtime import glue_model

            glue_model()
        self._warm.set()

    def shutdown(self) -> None:
        async def stop() -> None:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)

        if self._loop.is_closed():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=5)
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        if len(self._connections) >= MAX_CONNECTIONS:
            writer.close()
            return
        self._connections.add(task)
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            try:
                await self._serve_requests(reader, writer)
            finally:
                self._connections.discard(task)
                writer.close()

    async def _serve_requests(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                request = await read_request(reader)
            except RequestError as exc:
                # The rest of a bad request is unread: answer, then close rather than resync the stream.
                await _send(writer, exc.status, _error_body(exc.code, exc.message), keep_alive=False)
                return
            if request is None:
                return
            if request.method == "GET" and self._web is not None:
                page = await self._loop.run_in_executor(self._pool, self._page, request)
                await _write(writer, page.status, page.content_type, page.body, page.headers, request.keep_alive)
                if not request.keep_alive:
                    return
                continue
            # Reads are answered on the loop: no thread hop, no GIL hand-off (see the module docstring).
            if self._warm.is_set() and _is_read(request):
                status, body = self._answer(request)
            else:
                status, body = await self._loop.run_in_executor(self._pool, self._answer, request)
            await _send(writer, status, body, keep_alive=request.keep_alive)
            if not request.keep_alive:
                return

    def _page(self, request: Request) -> Any:
        """The web console's response (a `glueflow.web.app.Response`) for a GET; never raises."""
        try:
            page = self._web.get(request.path, request.headers.get("host"))
        except Exception as exc:  # a console bug: logged with its traceback, answered with an error page
            log.exception("web console: GET %s failed", request.path[:200])
            page = self._web.failure(exc)
        page.headers = {**self._web.headers, **page.headers}
        return page

    def _answer(self, request: Request) -> tuple[int, dict[str, Any]]:
        """(status, body) for one complete request; never raises."""
        if request.method != "POST":
            return 405, _error_body("MethodNotAllowedException", "the Glue endpoint takes POST / (AWS JSON 1.1)")
        target = request.headers.get("x-amz-target", "")
        if not target.startswith(TARGET_PREFIX):
            return 400, _error_body("UnknownOperationException", f"missing or foreign X-Amz-Target: {target[:100]!r}")
        try:
            params = json.loads(request.body or b"{}")
        except ValueError as exc:  # the message names the position, never the body
            return 400, _error_body("InvalidInputException", f"request body is not valid JSON ({type(exc).__name__})")
        if not isinstance(params, dict):
            return 400, _error_body("InvalidInputException", "request body must be a JSON object")
        operation = target[len(TARGET_PREFIX) :]
        wait = _wait_seconds(request.headers) if operation == "GetWorkflowRun" else None
        try:
            if wait is not None:  # glueflow's followers: answer when the run changed (run_changes.py)
                seen = request.headers.get(SEEN_HEADER.lower(), "")
                return 200, self._runtime.get_workflow_run_when_changed(params, seen, wait)
            return 200, self._runtime.call(operation, params)
        except GlueApiError as exc:
            return exc.http_status, _error_body(exc.code, exc.message)
        except Exception as exc:  # a runtime bug: logged with its traceback, answered without internals
            log.exception("glue endpoint: %s failed", target)
            return 500, _error_body("InternalServiceException", f"internal error ({type(exc).__name__})")


def _is_read(request: Request) -> bool:
    """A Glue read operation (Get*, List*, BatchGet*): a few SQLite reads, answered in about a millisecond."""
    operation = request.headers.get("x-amz-target", "").removeprefix(TARGET_PREFIX)
    waits = WAIT_HEADER.lower() in request.headers  # a long poll (run_changes.py) must not hold the loop
    return request.method == "POST" and operation.startswith(READ_PREFIXES) and not waits


def _wait_seconds(headers: dict[str, str]) -> float | None:
    try:
        value = float(headers.get(WAIT_HEADER.lower(), ""))
    except ValueError:
        return None
    return value if 0 < value < float("inf") else None


def _error_body(code: str, message: str) -> dict[str, Any]:
    return {"__type": code, "message": message}


_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout"}
_REASONS.update({413: "Content Too Large", 431: "Request Header Fields Too Large", 500: "Internal Server Error"})
_REASONS.update({421: "Misdirected Request"})


async def _send(writer: asyncio.StreamWriter, status: int, body: dict[str, Any], *, keep_alive: bool) -> None:
    data = json.dumps(body).encode()
    await _write(writer, status, CONTENT_TYPE, data, {"x-amzn-RequestId": "glueflow-local"}, keep_alive)


async def _write(
    writer: asyncio.StreamWriter,
    status: int,
    content_type: str,
    data: bytes,
    headers: dict[str, str],
    keep_alive: bool,
) -> None:
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(data)}\r\n{extra}"
        f"Server: glueflow-local-glue\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    writer.write(head.encode() + data)
    await writer.drain()


def start_endpoint(runtime: Any, host: str = "127.0.0.1", port: int = 0, web: Any = None) -> EndpointServer:
    """Serve `runtime` (a LocalRuntime) on host:port in a background thread; port 0 picks a free port.
    `web` (a `glueflow.web.app.ConsoleApp`) answers GET requests: the web console; without it GET is refused."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the local Glue endpoint binds loopback only, not {host!r}")
    return EndpointServer(runtime, host, port, web)
