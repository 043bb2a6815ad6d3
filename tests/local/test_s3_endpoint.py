"""The local S3 endpoint with boto3 against a live server: the calls boto3 and `aws s3 ls/cp` make (ListObjectsV2
with prefix, delimiter, url encoding and continuation; Get with Range; Put; Head; Copy; Delete(Objects);
multipart), every key confined to its bucket folder, and jobs reaching it through AWS_ENDPOINT_URL_S3."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from glueflow.local.s3_http import S3Endpoint, start_s3_endpoint

from .helpers import TEMPLATES, LocalProject, finished_run, node_runs

BUCKET = "glueflow-local-raw-000000000000"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[S3Endpoint, Path]]:
    root = tmp_path_factory.mktemp("state") / "s3"
    (root / BUCKET).mkdir(parents=True)
    (root / "other-bucket").mkdir()
    endpoint = start_s3_endpoint(root)
    yield endpoint, root
    endpoint.shutdown()


@pytest.fixture(scope="module")
def s3(served: tuple[S3Endpoint, Path]) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=served[0].url,
        region_name="us-east-1",
        aws_access_key_id="any",
        aws_secret_access_key="any",
        config=Config(retries={"max_attempts": 1}),
    )


def code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_put_get_head_with_range_and_etag(s3: Any, served: tuple[S3Endpoint, Path]) -> None:
    body = b"order_id,amount\n1,2.5\n"
    put = s3.put_object(Bucket=BUCKET, Key="io/orders.csv", Body=body)
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert (served[1] / BUCKET / "io" / "orders.csv").read_bytes() == body  # the object IS the file
    assert s3.get_object(Bucket=BUCKET, Key="io/orders.csv")["Body"].read() == body
    ranged = s3.get_object(Bucket=BUCKET, Key="io/orders.csv", Range="bytes=0-7")
    assert ranged["Body"].read() == b"order_id" and ranged["ContentRange"] == f"bytes 0-7/{len(body)}"
    assert s3.get_object(Bucket=BUCKET, Key="io/orders.csv", Range="bytes=-4")["Body"].read() == b"2.5\n"
    head = s3.head_object(Bucket=BUCKET, Key="io/orders.csv")
    assert head["ContentLength"] == len(body) and head["ETag"] == put["ETag"]
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket=BUCKET, Key="io/none.csv")
    assert code(missing) == "NoSuchKey"
    with pytest.raises(ClientError) as unsatisfiable:
        s3.get_object(Bucket=BUCKET, Key="io/orders.csv", Range=f"bytes={len(body)}-")
    assert code(unsatisfiable) == "InvalidRange"
    with pytest.raises(ClientError) as no_bucket:
        s3.head_object(Bucket="no-such-bucket", Key="x")
    assert no_bucket.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_list_objects_v2_prefix_delimiter_encoding_and_pages(s3: Any) -> None:
    keys = ["ls/a.csv", "ls/b c.csv", "ls/dir/x.csv", "ls/dir/y.csv", "ls/ü/z.csv", "ls/é.csv"]
    for key in keys:
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"1")
    # What `aws s3 ls s3://bucket/ls/` sends: Prefix, Delimiter '/', EncodingType url (added by botocore).
    listing = s3.list_objects_v2(Bucket=BUCKET, Prefix="ls/", Delimiter="/")
    assert [o["Key"] for o in listing["Contents"]] == ["ls/a.csv", "ls/b c.csv", "ls/é.csv"]
    assert [p["Prefix"] for p in listing["CommonPrefixes"]] == ["ls/dir/", "ls/ü/"]
    assert listing["KeyCount"] == 5 and listing["IsTruncated"] is False
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="ls/", PaginationConfig={"PageSize": 2})
    paged = [[o["Key"] for o in page.get("Contents", [])] for page in pages]
    assert [k for page in paged for k in page] == sorted(keys, key=str.encode)  # S3 orders keys by UTF-8 bytes
    assert [len(page) for page in paged] == [2, 2, 2]
    after = s3.list_objects_v2(Bucket=BUCKET, Prefix="ls/", StartAfter="ls/dir/y.csv")
    assert [o["Key"] for o in after["Contents"]] == ["ls/é.csv", "ls/ü/z.csv"]
    v1 = s3.get_paginator("list_objects").paginate(Bucket=BUCKET, Prefix="ls/", PaginationConfig={"PageSize": 4})
    assert [o["Key"] for page in v1 for o in page.get("Contents", [])] == sorted(keys, key=str.encode)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [BUCKET, "other-bucket"]


def test_copy_delete_and_delete_objects(s3: Any, served: tuple[S3Endpoint, Path]) -> None:
    s3.put_object(Bucket=BUCKET, Key="cp/src.txt", Body=b"payload")
    s3.copy_object(Bucket="other-bucket", Key="copies/dst.txt", CopySource={"Bucket": BUCKET, "Key": "cp/src.txt"})
    assert (served[1] / "other-bucket" / "copies" / "dst.txt").read_bytes() == b"payload"
    s3.delete_object(Bucket="other-bucket", Key="copies/dst.txt")
    assert not (served[1] / "other-bucket" / "copies").exists()  # no empty "folder" left behind
    s3.delete_object(Bucket=BUCKET, Key="cp/absent.txt")  # deleting a missing key succeeds, as on S3
    for index in range(3):
        s3.put_object(Bucket=BUCKET, Key=f"del/{index}.txt", Body=b"x")
    deleted = s3.delete_objects(
        Bucket=BUCKET, Delete={"Objects": [{"Key": "del/0.txt"}, {"Key": "del/1.txt"}, {"Key": "../escape"}]}
    )
    assert sorted(d["Key"] for d in deleted["Deleted"]) == ["del/0.txt", "del/1.txt"]
    assert [e["Key"] for e in deleted["Errors"]] == ["../escape"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="del/")["Contents"]] == ["del/2.txt"]


def test_multipart_upload_and_ranged_download_as_the_transfer_manager_does(
    s3: Any, served: tuple[S3Endpoint, Path]
) -> None:
    data = os.urandom(11 * MB)
    config = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB)
    s3.upload_fileobj(io.BytesIO(data), BUCKET, "big/blob.bin", Config=config)  # 3 parts
    assert (served[1] / BUCKET / "big" / "blob.bin").read_bytes() == data
    back = io.BytesIO()
    s3.download_fileobj(BUCKET, "big/blob.bin", back, Config=config)  # ranged GETs in parallel
    assert back.getvalue() == data
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="big/aborted.bin")["UploadId"]
    s3.upload_part(Bucket=BUCKET, Key="big/aborted.bin", UploadId=upload, PartNumber=1, Body=b"part")
    s3.abort_multipart_upload(Bucket=BUCKET, Key="big/aborted.bin", UploadId=upload)
    assert not (served[1] / BUCKET / "big" / "aborted.bin").exists()
    with pytest.raises(ClientError) as gone:
        s3.upload_part(Bucket=BUCKET, Key="big/aborted.bin", UploadId=upload, PartNumber=2, Body=b"x")
    assert code(gone) == "NoSuchUpload"


def test_keys_are_confined_to_their_bucket_folder(s3: Any, served: tuple[S3Endpoint, Path]) -> None:
    root = served[1]
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text("not yours")
    (root / BUCKET / "link").symlink_to(outside, target_is_directory=True)
    before = sorted(p for p in root.parent.rglob("*") if "s3-scratch" not in p.parts)
    for key in ("../outside/secret.txt", "a/../../outside/secret.txt", "/etc/passwd", "./x", "a//b", "link/secret.txt"):
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket=BUCKET, Key=key, Body=b"overwrite")
        assert code(refused) in ("InvalidArgument", "AccessDenied"), key
        with pytest.raises(ClientError):
            s3.get_object(Bucket=BUCKET, Key=key)
    with pytest.raises(ClientError) as bad_bucket:
        s3.put_object(Bucket="..", Key="x", Body=b"1")
    assert bad_bucket.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 404)
    (root / BUCKET / "file-link.txt").symlink_to(outside / "secret.txt")
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert not [k for k in listed if "link" in k]
    with pytest.raises(ClientError) as linked:
        s3.get_object(Bucket=BUCKET, Key="file-link.txt")
    assert code(linked) == "AccessDenied"
    (root / BUCKET / "file-link.txt").unlink()
    assert (outside / "secret.txt").read_text() == "not yours"
    assert sorted(p for p in root.parent.rglob("*") if "s3-scratch" not in p.parts) == before


def test_conditional_put_checksums_and_a_cut_upload_leave_no_partial_object(
    s3: Any, served: tuple[S3Endpoint, Path]
) -> None:
    s3.put_object(Bucket=BUCKET, Key="cond/once.txt", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as exists:
        s3.put_object(Bucket=BUCKET, Key="cond/once.txt", Body=b"second", IfNoneMatch="*")
    assert code(exists) == "PreconditionFailed"
    assert (served[1] / BUCKET / "cond" / "once.txt").read_bytes() == b"first"
    with pytest.raises(ClientError) as digest:
        s3.put_object(Bucket=BUCKET, Key="cond/md5.txt", Body=b"data", ContentMD5="1B2M2Y8AsgTpgAmY7PhCfg==")
    assert code(digest) == "BadDigest" and not (served[1] / BUCKET / "cond" / "md5.txt").exists()
    # A client that dies half-way through a PUT (kill -9) leaves nothing in the bucket.
    host, port = urlsplit(served[0].url).netloc.split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"PUT /{BUCKET}/cond/cut.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n".encode())
        sock.sendall(b"only part of it")
    s3.head_bucket(Bucket=BUCKET)  # the server is still serving
    assert not (served[1] / BUCKET / "cond" / "cut.bin").exists()


def test_a_job_reaches_the_buckets_with_a_plain_boto3_client(local_project: LocalProject) -> None:
    p = local_project
    shutil.copy(TEMPLATES / "s3_client.py.j2", p.root / "glue_jobs" / "tests" / "s3_client.py.j2")
    job = p.shell_job(arguments={"--BUCKET": "${bucket.raw}"})
    job["template"] = "tests/s3_client.py.j2"
    p.write_pipeline(
        "s3job", jobs={"client": job}, triggers={"go": {"type": "on_demand", "start": [{"job": "client"}]}}
    )
    runtime = p.runtime("s3job")
    run_id = runtime.call("StartWorkflowRun", {"Name": "glueflow-local-s3job"})["RunId"]
    (job_run,) = node_runs(finished_run(runtime, "glueflow-local-s3job", run_id), p.physical("s3job", "client"))
    assert job_run["JobRunState"] == "SUCCEEDED", job_run.get("ErrorMessage")
    marker = json.loads((p.markers / "s3_client.json").read_text())
    assert marker == {"keys": ["from-job/hello.txt"], "endpoint": runtime.s3_endpoint_url()}
    written = p.state_dir / "s3" / BUCKET / "from-job" / "hello.txt"
    assert written.read_text() == "written by the job"
