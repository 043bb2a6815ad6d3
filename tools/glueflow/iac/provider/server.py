"""`glueflow-provider-aws` / `glueflow-provider-archive`: offline stand-ins Terraform loads as the real providers.

They serve the real provider's schema (so `terraform validate` and `plan` type-check every argument and reference),
plan every create with the computed attributes unknown, answer the data sources our HCL reads with realistic values,
check the argument values the schema cannot carry (value_rules.py) and refuse `apply`: they check, they never act.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
from msgpack import ExtType
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc
from tf.types import Unknown
from tf.utils import Diagnostics, read_dynamic_value, to_dynamic_value

from glueflow.iac.offline_env import TYPES_ENV
from glueflow.iac.provider.data_sources import READERS, ProviderConfig
from glueflow.iac.provider.handshake import serve, serve_reattachable
from glueflow.iac.provider.schema_pb import TypedSchema, plan_block, read_only_values
from glueflow.iac.provider.typed_schema import load_typed_schema
from glueflow.iac.provider.value_rules import check_values

APPLY_REFUSED = (
    "glueflow's offline stand-in for {provider} cannot apply",
    "It is a checker that serves the provider's schema for `terraform validate` and `plan`; it has no cloud "
    "behind it. Apply with the real provider: `glueflow deploy --env <env>` on a machine with AWS access.",
)


class StandInProvider(rpc.ProviderServicer):
    def __init__(self, name: str, stop: Callable[[], object], types: set[str] | None = None) -> None:
        self.name = name
        self.schema = TypedSchema(load_typed_schema(name), types)
        self.provider = ProviderConfig()
        self._stop = stop

    def GetMetadata(self, request: Any, context: Any) -> Any:
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=True, get_provider_schema_optional=True)
        )

    def GetProviderSchema(self, request: Any, context: Any) -> Any:
        return self.schema.response

    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:
        return pb.ValidateProviderConfig.Response()

    def ConfigureProvider(self, request: Any, context: Any) -> Any:
        self.provider = ProviderConfig.from_config(read_dynamic_value(request.config))
        return pb.ConfigureProvider.Response()

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:
        config = read_dynamic_value(request.config)
        diagnostics = check_values(request.type_name, config)
        self._read_only(diagnostics, "resource", request.type_name, config)
        return pb.ValidateResourceConfig.Response(diagnostics=diagnostics.to_pb())

    def _read_only(self, diagnostics: Diagnostics, kind: str, type_name: str, config: Any) -> None:
        """Values for attributes the provider computes: rejected, as the real provider's schema validation does."""
        block = self.schema.block_of(kind, type_name)
        for path, name in read_only_values(self.schema, block, config) if block else ():
            diagnostics.add_error(
                "Invalid Configuration for Read-Only Attribute",
                f'Cannot set a value for "{name}": {type_name} computes it (it is known only after apply).',
                path=path,
            )

    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:
        config = read_dynamic_value(request.config)
        diagnostics = check_values(request.type_name, config)
        self._read_only(diagnostics, "data", request.type_name, config)
        return pb.ValidateDataResourceConfig.Response(diagnostics=diagnostics.to_pb())

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        state = json.loads(request.raw_state.json) if request.raw_state.json else None
        return pb.UpgradeResourceState.Response(upgraded_state=to_dynamic_value(state))

    def ReadResource(self, request: Any, context: Any) -> Any:
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        proposed = read_dynamic_value(request.proposed_new_state)
        prior = read_dynamic_value(request.prior_state)
        block = self.schema.block_of("resource", request.type_name)
        if proposed is None or prior is not None or block is None:  # destroy, or an update of imported state
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        planned = plan_block(self.schema, block, proposed, self._fill)
        return pb.PlanResourceChange.Response(planned_state=to_dynamic_value(planned))

    def _fill(self, name: str, planned: dict[str, Any]) -> Any:
        """What the real provider knows at plan time for a computed attribute of a new resource."""
        if self.name != "aws":
            return Unknown
        if name == "region":
            return self.provider.region
        if name == "tags_all":  # default_tags merged under the resource's own tags, once both are known
            merged = {**self.provider.default_tags, **(planned.get("tags") or {})}
            return merged if planned.get("tags") is not Unknown and _known(merged) else Unknown
        return Unknown

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        summary, detail = APPLY_REFUSED
        diagnostics = Diagnostics().add_error(summary.format(provider=f"hashicorp/{self.name}"), detail)
        return pb.ApplyResourceChange.Response(diagnostics=diagnostics.to_pb())

    def ImportResourceState(self, request: Any, context: Any) -> Any:
        summary, detail = APPLY_REFUSED
        diagnostics = Diagnostics().add_error(summary.format(provider=f"hashicorp/{self.name}"), detail)
        return pb.ImportResourceState.Response(diagnostics=diagnostics.to_pb())

    def ReadDataSource(self, request: Any, context: Any) -> Any:
        config = read_dynamic_value(request.config) or {}
        reader = READERS.get(request.type_name)
        state = reader(config, self.provider) if reader else dict(config)
        block = self.schema.block_of("data", request.type_name) or {"a": {}, "b": {}}
        for name in block["a"]:
            state.setdefault(name, None)
        for name in block["b"]:
            state.setdefault(name, [])
        return pb.ReadDataSource.Response(state=to_dynamic_value(state))

    def GetFunctions(self, request: Any, context: Any) -> Any:
        return pb.GetFunctions.Response()

    def StopProvider(self, request: Any, context: Any) -> Any:
        self._stop()
        return pb.StopProvider.Response()


def _known(value: Any) -> bool:
    if value is Unknown or isinstance(value, ExtType):
        return False
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    if isinstance(value, list):
        return all(_known(v) for v in value)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="glueflow-provider", description=__doc__)
    parser.add_argument("provider", nargs="?", default="aws", choices=["aws", "archive"])
    parser.add_argument("--reattach", type=Path, help="serve on this unix socket for TF_REATTACH_PROVIDERS")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    name = args.provider
    listed = os.environ.get(TYPES_ENV)
    types = set(listed.split(",")) if listed is not None else None

    def register(server: grpc.Server, stop: Callable[[], object]) -> None:
        rpc.add_ProviderServicer_to_server(StandInProvider(name, stop, types), server)

    if args.reattach is not None:
        return serve_reattachable(register, args.reattach)
    return serve(register, f"glueflow-provider-{name}")


def main_aws() -> int:
    return main(["aws"])


def main_archive() -> int:
    return main(["archive"])


if __name__ == "__main__":
    sys.exit(main())
