"""The local S3 endpoint's HTTP server: `start_s3_endpoint(s3_root)` serves `s3_api.LocalS3Api` on loopback.

Its own port, not the Glue endpoint's: S3 bodies are objects of any size that stream to disk, while the Glue
endpoint reads whole JSON bodies of at most 1 MiB (see `http_limits`). The standard library's threading server
fits a streaming protocol; what `http_limits` bounds for the Glue endpoint is bounded here the same way:
header size (`MAX_HEADER_BYTES`), an idle or stalled connection (`IDLE_SECONDS` per read), and the number of
connections served at once (`MAX_CONNECTIONS`, beyond which S3's 503 SlowDown answers). Path-style addressing
(`http://127.0.0.1:PORT/<bucket>/<key>`), which boto3 and the AWS CLI use for an IP endpoint.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from glueflow.local.http_limits import IDLE_SECONDS, MAX_HEADER_BYTES
from glueflow.local.s3_api import LocalS3Api, Response, S3Error, error_body, iter_file

MAX_CONNECTIONS = 64  # boto3's transfer manager opens 10; the AWS CLI up to its max_concurrent_requests (10)
log = logging.getLogger(__name__)


class _ChunkedBody:
    """A request body as a file: Content-Length bounded, or HTTP `Transfer-Encoding: chunked`, with the AWS
    `aws-chunked` content encoding (`<hex size>[;chunk-signature=…]` framing, trailers) removed on top."""

    def __init__(self, stream: IO[bytes], headers: Any) -> None:
        self._stream = stream
        chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        length = headers.get("Content-Length")
        self._remaining = None if chunked else int(length or 0)
        self._http_chunked = chunked
        self._aws_chunked = "aws-chunked" in headers.get("Content-Encoding", "").lower() or headers.get(
            "x-amz-content-sha256", ""
        ).startswith("STREAMING-")
        self._buffer = b""
        self._done = False
        self._http_left = 0  # bytes left in the current HTTP chunk
        self._http_done = False

    def _raw(self, size: int) -> bytes:
        """Bytes of the message body after HTTP framing."""
        if self._http_chunked:
            return self._read_chunk_framed(self._stream, size)
        assert self._remaining is not None
        if self._remaining <= 0:
            return b""
        data = self._stream.read(min(size, self._remaining))
        if not data:
            raise S3Error(400, "IncompleteBody", "You did not provide the number of bytes specified by Content-Length")
        self._remaining -= len(data)
        return data

    def _read_chunk_framed(self, stream: IO[bytes], size: int) -> bytes:
        if self._http_done:
            return b""
        if self._http_left == 0:
            line = stream.readline(MAX_HEADER_BYTES)
            chunk_size = int(line.split(b";")[0].strip() or b"0", 16)
            if chunk_size == 0:
                while stream.readline(MAX_HEADER_BYTES) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                self._http_done = True
                return b""
            self._http_left = chunk_size
        data = stream.read(min(size, self._http_left))
        self._http_left -= len(data)
        if self._http_left == 0:
            stream.readline(MAX_HEADER_BYTES)  # the CRLF after the chunk
        return data

    def _raw_line(self) -> bytes:
        line = b""
        while not line.endswith(b"\n"):
            byte = self._raw(1)
            if not byte:
                break
            line += byte
            if len(line) > MAX_HEADER_BYTES:
                raise S3Error(400, "InvalidRequest", "aws-chunked framing line too long")
        return line

    def _raw_exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            part = self._raw(size - len(data))
            if not part:
                raise S3Error(400, "IncompleteBody", "the aws-chunked body ended inside a chunk")
            data += part
        return data

    def read(self, size: int = -1) -> bytes:
        if not self._aws_chunked:
            if size < 0:
                return b"".join(iter(lambda: self._raw(1 << 20), b""))
            return self._raw(size)
        while not self._done and (size < 0 or len(self._buffer) < size):
            header = self._raw_line()
            chunk_size = int(header.split(b";")[0].strip() or b"0", 16)
            if chunk_size == 0:
                while self._raw_line().strip():
                    pass  # trailing checksums (not verified) and the final CRLF
                self._done = True
                break
            self._buffer += self._raw_exact(chunk_size)
            self._raw_line()  # CRLF
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def drain(self) -> None:
        """Consume what the handler did not read, so the next request on the connection starts in sync."""
        while self.read(1 << 20):
            pass


class S3Endpoint:
    """A running S3 endpoint: `.url`, `.shutdown()`."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.url = f"http://{host}:{port}"

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(api: LocalS3Api) -> type[BaseHTTPRequestHandler]:
    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    class S3RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "glueflow-local-s3"
        disable_nagle_algorithm = True
        timeout = IDLE_SECONDS  # per socket read: an idle or stalled client is dropped

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def handle(self) -> None:
            if not slots.acquire(blocking=False):
                with contextlib.suppress(OSError):
                    self.wfile.write(b"HTTP/1.1 503 Slow Down\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            try:
                super().handle()
            finally:
                slots.release()

        def _send(self, response: Response, request_id: str) -> None:
            self.send_response(response.status)
            headers = {"x-amz-request-id": request_id, **(response.headers or {})}
            length = response.length if response.file is not None or response.status in (200, 206) else 0
            if response.file is None and response.body:
                length = len(response.body)
                headers.setdefault("Content-Type", "application/xml")
            if response.status not in (204, 304):
                headers["Content-Length"] = str(length)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            if response.file is not None:
                for chunk in iter_file(response.file, response.offset, response.length):
                    self.wfile.write(chunk)
            elif response.body:
                self.wfile.write(response.body)

        def _serve(self) -> None:
            request_id = uuid.uuid4().hex[:16].upper()
            try:
                body = _ChunkedBody(self.rfile, self.headers)
            except ValueError:
                self.close_connection = True
                self._send_error(S3Error(400, "InvalidArgument", "bad Content-Length"), request_id)
                return
            length = self.headers.get("x-amz-decoded-content-length") or self.headers.get("Content-Length")
            try:
                response = api.handle(self.command, self.path, self.headers, body, int(length) if length else None)
                body.drain()
            except S3Error as exc:
                self.close_connection = True  # the body may be unread: do not reuse the connection
                self._send_error(exc, request_id)
                return
            except Exception as exc:  # an endpoint bug: logged with its traceback, answered without internals
                log.exception("s3 endpoint: %s %s failed", self.command, self.path[:200])
                self.close_connection = True
                self._send_error(S3Error(500, "InternalError", f"internal error ({type(exc).__name__})"), request_id)
                return
            self._send(response, request_id)

        def _send_error(self, error: S3Error, request_id: str) -> None:
            body = error_body(error, request_id) if self.command != "HEAD" else b""
            self._send(Response(error.status, {"Content-Type": "application/xml"}, body), request_id)

        do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _serve

    return S3RequestHandler


def start_s3_endpoint(s3_root: Path, host: str = "127.0.0.1", port: int = 0) -> S3Endpoint:
    """Serve the bucket folders under `s3_root` on host:port in a background thread; port 0 picks a free port."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the local S3 endpoint binds loopback only, not {host!r}")
    server = ThreadingHTTPServer((host, port), _handler_for(LocalS3Api(s3_root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="s3-endpoint", daemon=True)
    thread.start()
    return S3Endpoint(server, thread)
