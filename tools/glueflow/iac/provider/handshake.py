"""go-plugin's side of a provider process: the magic-cookie check, a TLS certificate and the handshake line.

`tf.runner.run_provider` does this for `tf`'s own Provider classes, but it caches its key under ~/.cache (glueflow
writes nothing outside the project) and serves only `tf`'s servicer; this is the same protocol in ~60 lines.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import os
import signal
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc

# https://github.com/hashicorp/terraform/blob/main/internal/plugin6/serve.go (Handshake.MagicCookieValue)
MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


def self_signed_certificate() -> tuple[bytes, bytes, bytes]:
    """(DER cert, PEM cert, PEM key): a fresh P-256 certificate for "localhost", which go-plugin pins for mTLS."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(True, False, True, False, True, True, False, False, False)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.DER), cert.public_bytes(serialization.Encoding.PEM), key_pem


def serve_reattachable(register: Any, socket: Path) -> int:
    """Serve on `socket` until SIGTERM, for TF_REATTACH_PROVIDERS: many Terraform commands share one process.

    Terraform connects to a reattached provider without TLS and never stops it; glueflow starts one per worker
    and ends it when its checks are done. A provider start costs ~1 s of Python start-up on a busy 2-core machine
    and Terraform starts each provider twice per command, so this is what keeps `make validate` fast.
    """
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    stopped = futures.Future()  # type: ignore[var-annotated]
    register(server, lambda: None)  # StopProvider from one command must not end the shared process
    stop = lambda *_: stopped.done() or stopped.set_result(True)  # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    # glueflow holds our stdin open: EOF means it is gone (even after a kill -9), so no stand-in outlives it.
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    server.add_insecure_port(f"unix://{socket}")
    server.start()
    print(f"ready {os.getpid()}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        stopped.result()
    server.stop(grace=0.2)
    return 0


def serve(register: Any, name: str) -> int:
    """Serve the gRPC services `register(server, stop)` adds until Terraform shuts the plugin down."""
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(
            f"{name} is a Terraform provider plugin (glueflow's offline stand-in); Terraform starts it.\n"
            "Run `glueflow validate --env dev --terraform` (or `make validate ENV=dev`) instead.\n"
        )
        return 1
    from tf.gen import grpc_controller_pb2 as controller_pb
    from tf.gen import grpc_controller_pb2_grpc as controller_rpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    stopped = futures.Future()  # type: ignore[var-annotated]

    class Controller(controller_rpc.GRPCControllerServicer):  # go-plugin's Shutdown, sent when Terraform is done
        def Shutdown(self, request: Any, context: Any) -> Any:
            stopped.set_result(True)
            return controller_pb.Empty()

    controller_rpc.add_GRPCControllerServicer_to_server(Controller(), server)
    register(server, lambda: stopped.done() or stopped.set_result(True))
    der, cert_pem, key_pem = self_signed_certificate()
    with tempfile.TemporaryDirectory(prefix="glueflow-provider-") as tmp:
        socket = Path(tmp) / "plugin.sock"
        server.add_secure_port(f"unix://{socket}", grpc.ssl_server_credentials([(key_pem, cert_pem)]))
        server.start()
        cert = base64.b64encode(der).decode().rstrip("=")
        print(f"1|6|unix|{socket}|grpc|{cert}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.result()
        server.stop(grace=0.2)
    return 0
