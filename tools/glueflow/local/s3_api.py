"""The local S3 REST API over the bucket folders `<state_dir>/s3/<bucket>/<key>` (served next to the Glue API).

boto3 (`boto3.client("s3", endpoint_url=URL)`, or jobs through `AWS_ENDPOINT_URL_S3`) and
`aws s3 ls/cp --endpoint-url URL` work against it: ListBuckets, HeadBucket, GetBucketLocation, ListObjectsV2 and
ListObjects (prefix, delimiter, max-keys, continuation token / marker, start-after, url encoding), GetObject
(with Range), HeadObject, PutObject (with If-None-Match: *), CopyObject, DeleteObject, DeleteObjects and multipart
uploads (Create, UploadPart, Complete, Abort). Anything else answers NotImplemented naming the operation.

Why hand-written: the maintained S3 emulators keep objects elsewhere (moto's S3 backend is in memory, LocalStack
and MinIO are services with their own storage layout), while here the objects ARE the files Spark, the crawler and
the upload watcher read. The protocol subset is small and its shapes are checked by boto3 itself in the tests.

Safety: every key is confined to its bucket folder (no `..`/`.` segments, no NUL, no absolute paths, and the
resolved path must stay under the bucket, so a symlink cannot lead out). Objects are written to a temporary file
outside the buckets and renamed into place, so the watcher, crawlers and readers never see half an object, and a
kill -9 leaves at most a stray temporary file. Bodies stream to disk; a single PUT is capped at S3's 5 GiB.

Where it differs from S3 (on purpose; the folders are the truth): no user metadata or Content-Type is stored
(GetObject answers binary/octet-stream); the ETag is the MD5 of the content, also for multipart objects; Hadoop's
`.<name>.crc` side files are hidden; a key cannot be both an object and a "folder" (`a` and `a/b`), which
answers 409 InvalidRequest; a key ending in `/` with an empty body creates the folder.
"""

from __future__ import annotations

import base64
import calendar
import email.utils
import hashlib
import os
import re
import shutil
import threading
import time
import uuid
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
MAX_PUT_BYTES = 5 * 1024**3  # S3's limit for one PutObject / UploadPart
MAX_XML_BYTES = 2 * 1024**2  # request documents (DeleteObjects allows 1000 keys, CompleteMultipartUpload 10000 parts)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_COPY_CHUNK = 1 << 20


class S3Error(Exception):
    """An S3 error response: HTTP status, S3 code, message (and the key or bucket it concerns)."""

    def __init__(self, status: int, code: str, message: str, resource: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.resource = status, code, message, resource


@dataclass
class Response:
    status: int = 200
    headers: dict[str, str] | None = None
    body: bytes = b""
    file: Path | None = None  # stream this file (range: offset, length) instead of `body`
    offset: int = 0
    length: int = 0


def _no_such_bucket(bucket: str) -> S3Error:
    return S3Error(404, "NoSuchBucket", "The specified bucket does not exist", bucket)


def _no_such_key(key: str) -> S3Error:
    return S3Error(404, "NoSuchKey", "The specified key does not exist.", key)


def _http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


def _iso(timestamp: float) -> str:
    millis = int((timestamp % 1) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp)) + f".{millis:03d}Z"


def _xml(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _element(parent: ET.Element | None, tag: str, text: str | None = None) -> ET.Element:
    node = ET.Element(tag) if parent is None else ET.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def error_body(error: S3Error, request_id: str) -> bytes:
    root = _element(None, "Error")
    _element(root, "Code", error.code)
    _element(root, "Message", error.message)
    if error.resource:
        _element(root, "Resource", error.resource)
    _element(root, "RequestId", request_id)
    return _xml(root)


class _EtagCache:
    """MD5 per (path, size, mtime): listings and HEADs of unchanged files do not re-read them."""

    def __init__(self, limit: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int, int], str] = {}
        self._limit = limit

    def etag(self, path: Path, stat: os.stat_result) -> str:
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        digest = hashlib.md5(usedforsecurity=False)
        with path.open("rb") as handle:
            while chunk := handle.read(_COPY_CHUNK):
                digest.update(chunk)
        etag = f'"{digest.hexdigest()}"'
        with self._lock:
            if len(self._cache) >= self._limit:
                self._cache.clear()
            self._cache[key] = etag
        return etag


class LocalS3Api:
    """Answers S3 REST requests on the bucket folders under `s3_root` (one instance per state dir)."""

    def __init__(self, s3_root: Path) -> None:
        self.root = s3_root.resolve()
        self.scratch = self.root.parent / "s3-scratch"  # temporary objects and multipart parts, outside any bucket
        self._etags = _EtagCache()

    # --- addressing -----------------------------------------------------------------------------------------

    def bucket_dir(self, bucket: str) -> Path:
        if not _BUCKET.match(bucket) or ".." in bucket:
            raise S3Error(400, "InvalidBucketName", "The specified bucket is not valid.", bucket)
        path = self.root / bucket
        if not path.is_dir():
            raise _no_such_bucket(bucket)
        return path

    def object_path(self, bucket: str, key: str) -> Path:
        """The file of `key`, refusing any key that could name something outside the bucket folder."""
        base = self.bucket_dir(bucket)
        if not key or len(key.encode()) > 1024:
            raise S3Error(400, "KeyTooLongError" if key else "InvalidArgument", "The key is empty or too long.", key)
        parts = key.rstrip("/").split("/")
        if "\x00" in key or key.startswith("/") or any(part in ("", ".", "..") for part in parts):
            raise S3Error(
                400,
                "InvalidArgument",
                "The local S3 endpoint maps keys to files: a key may not start with '/' or contain empty, "
                "'.' or '..' segments or NUL.",
                key,
            )
        path = base.joinpath(*parts)
        resolved = path.resolve()
        if resolved != base.resolve() and base.resolve() not in resolved.parents:
            raise S3Error(403, "AccessDenied", "The key resolves outside its bucket.", key)
        return path

    # --- dispatch -------------------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: IO[bytes], length: int | None) -> Response:
        """One request. `body` is the request stream (already de-chunked), `length` its size if known."""
        url = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        path = unquote(url.path)
        bucket, _, key = path.lstrip("/").partition("/")
        if not bucket:
            if method in ("GET", "HEAD"):
                return self.list_buckets()
            raise S3Error(405, "MethodNotAllowed", f"{method} / is not an S3 operation")
        if not key:
            return self._bucket_request(method, bucket, query, headers, body)
        return self._object_request(method, bucket, key, query, headers, body, length)

    def _bucket_request(
        self, method: str, bucket: str, query: dict[str, str], headers: Any, body: IO[bytes]
    ) -> Response:
        if method == "HEAD":
            self.bucket_dir(bucket)
            return Response(headers={"x-amz-bucket-region": "us-east-1"})
        if method == "GET" and "location" in query:
            self.bucket_dir(bucket)
            root = _element(None, "LocationConstraint")
            root.set("xmlns", NAMESPACE)
            return Response(body=_xml(root))
        if method == "GET" and not (
            set(query)
            - {
                "list-type",
                "prefix",
                "delimiter",
                "max-keys",
                "marker",
                "continuation-token",
                "start-after",
                "encoding-type",
                "fetch-owner",
            }
        ):
            return self.list_objects(bucket, query)
        if method == "POST" and "delete" in query:
            return self.delete_objects(bucket, _read_xml(body))
        operation = {"PUT": "CreateBucket", "DELETE": "DeleteBucket"}.get(method, f"{method} ?{'&'.join(query)}")
        raise S3Error(501, "NotImplemented", f"the local S3 endpoint does not support {operation}", bucket)

    def _object_request(
        self,
        method: str,
        bucket: str,
        key: str,
        query: dict[str, str],
        headers: Any,
        body: IO[bytes],
        length: int | None,
    ) -> Response:
        upload = query.get("uploadId")
        if method == "PUT" and upload is not None:
            if headers.get("x-amz-copy-source"):
                raise S3Error(501, "NotImplemented", "the local S3 endpoint does not support UploadPartCopy", key)
            return self.upload_part(bucket, key, upload, query.get("partNumber", ""), headers, body, length)
        if method == "PUT" and headers.get("x-amz-copy-source"):
            return self.copy_object(bucket, key, headers["x-amz-copy-source"])
        if method == "PUT" and not query:
            return self.put_object(bucket, key, headers, body, length)
        if method in ("GET", "HEAD") and not (set(query) - {"partNumber", "versionId"} - _RESPONSE_OVERRIDES):
            return self.get_object(bucket, key, headers, head=method == "HEAD")
        if method == "DELETE" and upload is not None:
            return self.abort_upload(bucket, key, upload)
        if method == "DELETE" and not query:
            return self.delete_object(bucket, key)
        if method == "POST" and "uploads" in query:
            return self.create_upload(bucket, key)
        if method == "POST" and upload is not None:
            return self.complete_upload(bucket, key, upload, _read_xml(body))
        raise S3Error(501, "NotImplemented", f"the local S3 endpoint does not support {method} ?{'&'.join(query)}", key)

    # --- buckets and listings -------------------------------------------------------------------------------

    def list_buckets(self) -> Response:
        root = _element(None, "ListAllMyBucketsResult")
        root.set("xmlns", NAMESPACE)
        owner = _element(root, "Owner")
        _element(owner, "ID", "glueflow-local")
        _element(owner, "DisplayName", "glueflow-local")
        buckets = _element(root, "Buckets")
        for path in sorted(p for p in self.root.iterdir() if p.is_dir() and _BUCKET.match(p.name)):
            entry = _element(buckets, "Bucket")
            _element(entry, "Name", path.name)
            _element(entry, "CreationDate", _iso(path.stat().st_mtime))
        return Response(body=_xml(root))

    def _keys(self, base: Path, prefix: str) -> list[str]:
        """Every object key under the bucket folder `base` starting with `prefix`, in S3's (UTF-8 byte) order."""
        folder = base.joinpath(*[p for p in prefix.split("/")[:-1] if p not in ("", ".", "..")])
        if not folder.is_dir():
            return []
        keys = []
        for directory, dirs, files in os.walk(folder):
            dirs.sort()
            relative = Path(directory).relative_to(base).as_posix()
            for name in files:
                if name.startswith(".") and name.endswith(".crc"):
                    continue  # Hadoop's checksum side files: S3A writes none on real S3
                if os.path.islink(os.path.join(directory, name)):
                    continue  # a link may lead out of the bucket: never listed (and refused by object_path)
                key = name if relative == "." else f"{relative}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys, key=lambda k: k.encode())

    def list_objects(self, bucket: str, query: dict[str, str]) -> Response:
        base = self.bucket_dir(bucket)
        v2 = query.get("list-type") == "2"
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        try:
            max_keys = max(0, min(1000, int(query.get("max-keys", "1000"))))
        except ValueError as exc:
            raise S3Error(400, "InvalidArgument", "max-keys must be an integer") from exc
        if v2:
            token = query.get("continuation-token")
            after = _decode_token(token) if token else query.get("start-after", "")
        else:
            after = query.get("marker", "")
        encode = (lambda s: quote(s, safe="/")) if query.get("encoding-type") == "url" else (lambda s: s)
        entries: list[tuple[str, bool]] = []  # (key or common prefix, is_prefix)
        truncated = False
        for key in self._keys(base, prefix):
            if after and key.encode() <= after.encode():
                continue
            item, is_prefix = key, False
            if delimiter:
                cut = key.find(delimiter, len(prefix))
                if cut >= 0:
                    item, is_prefix = key[: cut + len(delimiter)], True
                    if entries and entries[-1] == (item, True):
                        continue
                    if after and item.encode() <= after.encode():
                        continue
            if len(entries) >= max_keys:
                truncated = True
                break
            entries.append((item, is_prefix))
        root = _element(None, "ListBucketResult")
        root.set("xmlns", NAMESPACE)
        _element(root, "Name", bucket)
        _element(root, "Prefix", encode(prefix))
        if delimiter:
            _element(root, "Delimiter", encode(delimiter))
        _element(root, "MaxKeys", str(max_keys))
        if query.get("encoding-type") == "url":
            _element(root, "EncodingType", "url")
        _element(root, "IsTruncated", "true" if truncated else "false")
        last = entries[-1][0] if entries else ""
        if v2:
            _element(root, "KeyCount", str(len(entries)))
            if "continuation-token" in query:
                _element(root, "ContinuationToken", query["continuation-token"])
            if "start-after" in query:
                _element(root, "StartAfter", encode(query["start-after"]))
            if truncated:
                _element(root, "NextContinuationToken", _encode_token(last))
        else:
            _element(root, "Marker", encode(after))
            if truncated and delimiter:
                _element(root, "NextMarker", encode(last))
        for item, is_prefix in entries:
            if is_prefix:
                _element(_element(root, "CommonPrefixes"), "Prefix", encode(item))
                continue
            path = base / item
            stat = path.stat()
            contents = _element(root, "Contents")
            _element(contents, "Key", encode(item))
            _element(contents, "LastModified", _iso(stat.st_mtime))
            _element(contents, "ETag", self._etags.etag(path, stat))
            _element(contents, "Size", str(stat.st_size))
            _element(contents, "StorageClass", "STANDARD")
            if not v2 or query.get("fetch-owner") == "true":
                owner = _element(contents, "Owner")
                _element(owner, "ID", "glueflow-local")
                _element(owner, "DisplayName", "glueflow-local")
        return Response(body=_xml(root))

    # --- objects --------------------------------------------------------------------------------------------

    def _existing(self, bucket: str, key: str) -> tuple[Path, os.stat_result]:
        path = self.object_path(bucket, key)
        try:
            stat = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            raise _no_such_key(key) from None
        if not path.is_file():
            raise _no_such_key(key)
        return path, stat

    def get_object(self, bucket: str, key: str, headers: Any, *, head: bool) -> Response:
        path, stat = self._existing(bucket, key)
        etag = self._etags.etag(path, stat)
        common = {
            "ETag": etag,
            "Last-Modified": _http_date(stat.st_mtime),
            "Accept-Ranges": "bytes",
            "Content-Type": "binary/octet-stream",
        }
        precondition = _check_conditions(headers, etag, stat.st_mtime)
        if precondition is not None:
            return Response(status=precondition, headers=common if precondition == 304 else None)
        size = stat.st_size
        byte_range = headers.get("Range")
        if byte_range:
            start, end = _parse_range(byte_range, size)
            common["Content-Range"] = f"bytes {start}-{end}/{size}"
            return Response(206, common, file=None if head else path, offset=start, length=end - start + 1)
        return Response(200, common, file=None if head else path, offset=0, length=size)

    def put_object(self, bucket: str, key: str, headers: Any, body: IO[bytes], length: int | None) -> Response:
        path = self.object_path(bucket, key)
        if key.endswith("/"):  # a "folder" marker, as the console and `put-object --key raw-data/` make
            data = body.read(1)
            if data:
                raise S3Error(400, "InvalidArgument", "a key ending in '/' is a folder here and cannot hold data", key)
            _make_dirs(path, key)
            return Response(headers={"ETag": f'"{hashlib.md5(b"", usedforsecurity=False).hexdigest()}"'})
        temp, md5 = self._receive(body, length, headers, key)
        exclusive = headers.get("If-None-Match", "").strip() == "*"
        self._place(temp, path, key, exclusive=exclusive)
        return Response(headers={"ETag": f'"{md5}"'})

    def _receive(self, body: IO[bytes], length: int | None, headers: Any, key: str) -> tuple[Path, str]:
        """Stream the body to a scratch file, checking Content-MD5 and x-amz-checksum-crc32 when sent."""
        if length is not None and length > MAX_PUT_BYTES:
            raise S3Error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", key)
        self.scratch.mkdir(parents=True, exist_ok=True)
        temp = self.scratch / f"put-{uuid.uuid4().hex}"
        md5 = hashlib.md5(usedforsecurity=False)
        crc = 0
        received = 0
        try:
            with temp.open("wb") as out:
                while chunk := body.read(_COPY_CHUNK):
                    received += len(chunk)
                    if received > MAX_PUT_BYTES:
                        raise S3Error(
                            400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", key
                        )
                    md5.update(chunk)
                    crc = zlib.crc32(chunk, crc)
                    out.write(chunk)
            _verify(headers, md5.digest(), crc, key)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp, md5.hexdigest()

    def _place(self, temp: Path, path: Path, key: str, *, exclusive: bool = False) -> None:
        """Atomically move a finished object into its bucket folder."""
        try:
            _make_dirs(path.parent, key)
            if path.is_dir():
                raise S3Error(409, "InvalidRequest", "a folder of other keys already has this name locally", key)
            if exclusive:
                try:
                    os.link(temp, path)  # fails if the key exists: If-None-Match: * without a race
                except FileExistsError:
                    raise S3Error(
                        412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", key
                    ) from None
                temp.unlink()
            else:
                os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)

    def copy_object(self, bucket: str, key: str, source: str) -> Response:
        source_path = unquote(source.split("?", 1)[0]).lstrip("/")
        source_bucket, _, source_key = source_path.partition("/")
        origin, _ = self._existing(source_bucket, source_key)
        target = self.object_path(bucket, key)
        self.scratch.mkdir(parents=True, exist_ok=True)
        temp = self.scratch / f"copy-{uuid.uuid4().hex}"
        shutil.copyfile(origin, temp)
        self._place(temp, target, key)
        stat = target.stat()
        root = _element(None, "CopyObjectResult")
        root.set("xmlns", NAMESPACE)
        _element(root, "LastModified", _iso(stat.st_mtime))
        _element(root, "ETag", self._etags.etag(target, stat))
        return Response(body=_xml(root))

    def _remove(self, bucket: str, key: str) -> None:
        """Delete a key (absent is fine, as on S3) and the folders it leaves empty, up to the bucket."""
        path = self.object_path(bucket, key)
        base = self.bucket_dir(bucket)
        if path.is_file() or path.is_symlink():
            path.unlink(missing_ok=True)
        parent = path.parent
        while parent != base and base in parent.parents:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    def delete_object(self, bucket: str, key: str) -> Response:
        self._remove(bucket, key)
        return Response(status=204)

    def delete_objects(self, bucket: str, document: ET.Element) -> Response:
        self.bucket_dir(bucket)
        quiet = (_child_text(document, "Quiet") or "false").lower() == "true"
        root = _element(None, "DeleteResult")
        root.set("xmlns", NAMESPACE)
        objects = [o for o in document if _local(o.tag) == "Object"]
        if len(objects) > 1000:
            raise S3Error(400, "MalformedXML", "DeleteObjects takes at most 1000 keys")
        for item in objects:
            key = _child_text(item, "Key") or ""
            try:
                self._remove(bucket, key)
            except S3Error as exc:
                error = _element(root, "Error")
                _element(error, "Key", key)
                _element(error, "Code", exc.code)
                _element(error, "Message", exc.message)
                continue
            if not quiet:
                _element(_element(root, "Deleted"), "Key", key)
        return Response(body=_xml(root))

    # --- multipart ------------------------------------------------------------------------------------------

    def _upload_dir(self, bucket: str, key: str, upload_id: str) -> Path:
        folder = self.scratch / "uploads" / upload_id
        if not re.fullmatch(r"[0-9a-f]{32}", upload_id) or not folder.is_dir():
            raise S3Error(404, "NoSuchUpload", "The specified multipart upload does not exist.", key)
        if (folder / "key").read_text(encoding="utf-8") != f"{bucket}/{key}":
            raise S3Error(404, "NoSuchUpload", "The upload belongs to another key.", key)
        return folder

    def create_upload(self, bucket: str, key: str) -> Response:
        self.object_path(bucket, key)
        upload_id = uuid.uuid4().hex
        folder = self.scratch / "uploads" / upload_id
        folder.mkdir(parents=True)
        (folder / "key").write_text(f"{bucket}/{key}", encoding="utf-8")
        root = _element(None, "InitiateMultipartUploadResult")
        root.set("xmlns", NAMESPACE)
        _element(root, "Bucket", bucket)
        _element(root, "Key", key)
        _element(root, "UploadId", upload_id)
        return Response(body=_xml(root))

    def upload_part(
        self, bucket: str, key: str, upload_id: str, number: str, headers: Any, body: IO[bytes], length: int | None
    ) -> Response:
        folder = self._upload_dir(bucket, key, upload_id)
        if not number.isdigit() or not 1 <= int(number) <= 10000:
            raise S3Error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000", key)
        temp, md5 = self._receive(body, length, headers, key)
        os.replace(temp, folder / f"part-{int(number):05d}")
        (folder / f"part-{int(number):05d}.etag").write_text(md5, encoding="utf-8")
        return Response(headers={"ETag": f'"{md5}"'})

    def complete_upload(self, bucket: str, key: str, upload_id: str, document: ET.Element) -> Response:
        folder = self._upload_dir(bucket, key, upload_id)
        parts = [(int(_child_text(p, "PartNumber") or 0), (_child_text(p, "ETag") or "").strip('"')) for p in document]
        numbers = [n for n, _ in parts]
        if not parts or numbers != sorted(set(numbers)):
            raise S3Error(400, "InvalidPartOrder", "The list of parts was not in ascending order.", key)
        self.scratch.mkdir(parents=True, exist_ok=True)
        temp = self.scratch / f"complete-{uuid.uuid4().hex}"
        digests = b""
        with temp.open("wb") as out:
            for number, etag in parts:
                part = folder / f"part-{number:05d}"
                recorded = folder / f"part-{number:05d}.etag"
                if not part.is_file() or recorded.read_text(encoding="utf-8") != etag:
                    temp.unlink(missing_ok=True)
                    raise S3Error(400, "InvalidPart", f"Part {number} was not uploaded or its ETag differs.", key)
                with part.open("rb") as source:
                    shutil.copyfileobj(source, out, _COPY_CHUNK)
                digests += bytes.fromhex(etag)
        self._place(temp, self.object_path(bucket, key), key)
        shutil.rmtree(folder, ignore_errors=True)
        root = _element(None, "CompleteMultipartUploadResult")
        root.set("xmlns", NAMESPACE)
        _element(root, "Bucket", bucket)
        _element(root, "Key", key)
        _element(root, "ETag", f'"{hashlib.md5(digests, usedforsecurity=False).hexdigest()}-{len(parts)}"')
        return Response(body=_xml(root))

    def abort_upload(self, bucket: str, key: str, upload_id: str) -> Response:
        shutil.rmtree(self._upload_dir(bucket, key, upload_id), ignore_errors=True)
        return Response(status=204)


_RESPONSE_OVERRIDES = {
    "response-content-type",
    "response-content-language",
    "response-expires",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(node: ET.Element, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name:
            return child.text
    return None


def _read_xml(body: IO[bytes]) -> ET.Element:
    data = body.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise S3Error(400, "MaxMessageLengthExceeded", "Your request was too big.")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # no entity expansion from a request
        raise S3Error(400, "MalformedXML", "The XML you provided was not well-formed.")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise S3Error(400, "MalformedXML", f"The XML you provided was not well-formed: {exc}") from exc


def _make_dirs(folder: Path, key: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise S3Error(409, "InvalidRequest", "a prefix of this key is already an object locally", key) from None


def _verify(headers: Any, md5: bytes, crc: int, key: str) -> None:
    sent_md5 = headers.get("Content-MD5")
    if sent_md5 and sent_md5.strip() != base64.b64encode(md5).decode():
        raise S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.", key)
    sent_crc = headers.get("x-amz-checksum-crc32")
    if sent_crc and sent_crc.strip() != base64.b64encode(crc.to_bytes(4, "big")).decode():
        raise S3Error(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.", key)


def _parse_range(header: str, size: int) -> tuple[int, int]:
    match = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", header)
    if not match or match[1] == match[2] == "":
        raise S3Error(416, "InvalidRange", "The requested range is not satisfiable")
    if match[1] == "":
        start, end = max(0, size - int(match[2])), size - 1
    else:
        start = int(match[1])
        end = min(size - 1, int(match[2])) if match[2] else size - 1
    if start >= size or start > end:
        raise S3Error(416, "InvalidRange", "The requested range is not satisfiable")
    return start, end


def _check_conditions(headers: Any, etag: str, mtime: float) -> int | None:
    """HTTP preconditions of GetObject/HeadObject: 412 or 304, or None to proceed."""
    if_match, if_none = headers.get("If-Match"), headers.get("If-None-Match")
    if if_match and if_match.strip() not in ("*", etag, etag.strip('"')):
        return 412
    if if_none and if_none.strip() in ("*", etag, etag.strip('"')):
        return 304
    since = headers.get("If-Modified-Since")
    if since and not if_none:
        parsed = email.utils.parsedate_tz(since)
        if parsed and int(mtime) <= calendar.timegm(parsed[:9]) - (parsed[9] or 0):
            return 304
    return None


def _encode_token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise S3Error(400, "InvalidArgument", "The continuation token provided is incorrect") from exc


def iter_file(path: Path, offset: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(offset)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(_COPY_CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
