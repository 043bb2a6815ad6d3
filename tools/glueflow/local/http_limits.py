"""Reading one HTTP/1.1 request under limits, for the local Glue endpoint.

The endpoint serves one route (`POST /`, AWS JSON 1.1), so a small asyncio reader is enough and an HTTP framework
would only add a dependency. What it guarantees, whatever the client sends:
- a connection with no request in flight costs a coroutine, not a thread (300 idle sockets stay cheap);
- headers are at most MAX_HEADER_BYTES, a body at most MAX_BODY_BYTES (413 before the body is read, so an
  oversized body is never buffered);
- a started request must arrive whole within REQUEST_SECONDS (a false `Content-Length` or a slow sender is cut off);
- anything malformed is a `RequestError` with the status and Glue error shape to answer, never an exception.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

MAX_BODY_BYTES = 1024 * 1024  # Glue's largest requests (run properties, arguments) are far below 1 MiB
MAX_HEADER_BYTES = 16 * 1024
REQUEST_SECONDS = 10.0  # from a request's first byte to its last
IDLE_SECONDS = 300.0  # a keep-alive connection with no request for this long is closed


class RequestError(Exception):
    """A request the endpoint answers with an error and then closes the connection."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


def _invalid(message: str, status: int = 400) -> RequestError:
    return RequestError(status, "InvalidInputException", message)


def parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    """(method, path, headers) of a request head ending in CRLF CRLF."""
    try:
        text = head.decode("iso-8859-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
        raise _invalid("request head is not text") from None
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _invalid("malformed request line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise _invalid("malformed header line")
        headers[name.lower()] = value.strip()
    return parts[0], parts[1], headers


def content_length(headers: dict[str, str]) -> int:
    if "transfer-encoding" in headers:
        raise _invalid("Transfer-Encoding is not supported: send Content-Length")
    raw = headers.get("content-length", "0")
    if not raw.isdigit():  # negative, signed, empty or not a number
        raise _invalid("Content-Length must be a non-negative integer")
    length = int(raw)
    if length > MAX_BODY_BYTES:
        raise _invalid(f"request body of {length} bytes exceeds the limit of {MAX_BODY_BYTES} bytes", 413)
    return length


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request on a keep-alive connection; None when the client closed it or left it idle."""
    try:
        first = await asyncio.wait_for(reader.read(1), IDLE_SECONDS)
    except TimeoutError:
        return None
    if not first:
        return None
    try:
        async with asyncio.timeout(REQUEST_SECONDS):
            head = first + await reader.readuntil(b"\r\n\r\n")
            method, path, headers = parse_head(head)
            length = content_length(headers)
            body = await reader.readexactly(length) if length else b""
    except TimeoutError:
        raise RequestError(
            408, "RequestTimeoutException", f"request not received within {REQUEST_SECONDS:g}s"
        ) from None
    except asyncio.LimitOverrunError:
        raise _invalid(f"request headers exceed {MAX_HEADER_BYTES} bytes", 431) from None
    except asyncio.IncompleteReadError:
        raise _invalid("connection closed before the request was complete") from None
    return Request(method, path, headers, body)
