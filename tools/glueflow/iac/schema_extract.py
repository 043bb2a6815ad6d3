"""Extract the hashicorp/aws provider schema from the `cdktn-provider-aws` wheel into a compact cached JSON.

The provider itself cannot be downloaded on our machines, so `terraform providers schema -json` is out of reach.
The prebuilt CDK Terrain bindings on PyPI carry the same schema in their jsii assembly: one config struct per
resource and data source, property docs that link to the registry anchor of each argument (its exact snake_case
name), `optional` flags (absent = required), and struct types for nested blocks (documented as "<name> block.").

Regenerate after bumping CDKTN_VERSION (takes ~20 s, needs PyPI):

    .venv/bin/python -m glueflow.iac.schema_extract

or from a wheel already on disk:  ... -m glueflow.iac.schema_extract --wheel cdktn_provider_aws-25.8.1-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

CDKTN_VERSION = "25.8.1"
SCHEMA_PATH = Path(__file__).with_name("aws_provider_schema.json.gz")

_ASSEMBLY = "@cdktn/provider-aws"
_KINDS = {
    "cdktn.TerraformResource": "resource",
    "cdktn.TerraformDataSource": "data",
    "cdktn.TerraformEphemeralResource": "ephemeral",
}
# "{@link https://registry.terraform.io/providers/hashicorp/aws/6.69.1/docs/resources/glue_job#role_arn J#role_arn}"
# (the registry anchor after "#" is the exact argument name)
_ANCHOR = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/[\d.]+/docs\S*#(\w+) \w+#\1\}")
# Nested blocks are documented exactly as "<name> block."; attributes carry their own description or a link.
_BLOCK_SUMMARY = re.compile(r"^\w+ block\.$")
_TYPE_NAME = re.compile(
    r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/([\d.]+)/docs/\S+ (aws_\w+)\}"
)


def download_wheel(dest: Path) -> Path:
    """Fetch the pinned wheel with pip (no dependencies, no install)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest)]
    subprocess.run([*cmd, f"cdktn-provider-aws=={CDKTN_VERSION}"], check=True)
    return next(dest.glob("cdktn_provider_aws-*.whl"))


def read_assembly(wheel: Path) -> dict[str, Any]:
    """The jsii assembly sits in a tarball inside the wheel: package/.jsii."""
    with zipfile.ZipFile(wheel) as whl:
        tgz_name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
        tgz = io.BytesIO(whl.read(tgz_name))
    with tarfile.open(fileobj=tgz, mode="r:gz") as tar:
        member = tar.extractfile("package/.jsii")
        if member is None:
            raise SystemExit(f"{wheel}: no package/.jsii in {tgz_name}")
        return json.load(member)


def _docs_text(prop: dict[str, Any]) -> str:
    docs = prop.get("docs", {})
    return f"{docs.get('summary', '')} {docs.get('remarks', '')}"


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _argument_name(prop: dict[str, Any]) -> str:
    """The registry anchor is the real argument name (e.g. `self`, not jsii's renamed `selfAttribute`)."""
    match = _ANCHOR.search(_docs_text(prop))
    return match.group(1) if match else _snake(prop["name"])


def _struct_of(type_ref: dict[str, Any]) -> tuple[str | None, bool]:
    """(struct fqn, repeatable) for a block property; a list block is `IResolvable | Struct[]`."""
    if "fqn" in type_ref:
        return type_ref["fqn"], False
    for option in type_ref.get("union", {}).get("types", []):
        collection = option.get("collection", {})
        if collection.get("kind") == "array" and "fqn" in collection.get("elementtype", {}):
            return collection["elementtype"]["fqn"], True
    return None, True


class _Compactor:
    """Turns jsii structs into compact block schemas, deduplicated into one table.

    Block schema: {"a": {argument: 1 if required else 0}, "b": {block: [required, repeatable, struct index]}}.
    A struct index of -1 means the block's content is free-form (jsii type `any`). Schemas can be recursive
    (wafv2 rule statements), so a struct's slot is reserved before its children are compacted.
    """

    def __init__(self, types: dict[str, Any]) -> None:
        self.types = types
        self.table: list[dict[str, Any]] = []
        self._index_by_fqn: dict[str, int] = {}

    def struct(self, fqn: str) -> int:
        if fqn not in self._index_by_fqn:
            self._index_by_fqn[fqn] = len(self.table)
            self.table.append({})
            self.table[self._index_by_fqn[fqn]] = self._compact(self.types[fqn])
        return self._index_by_fqn[fqn]

    def _compact(self, struct: dict[str, Any]) -> dict[str, Any]:
        arguments: dict[str, int] = {}
        blocks: dict[str, list[int]] = {}
        for prop in struct.get("properties", []):
            name = _argument_name(prop)
            required = 0 if prop.get("optional") else 1
            if _BLOCK_SUMMARY.match(prop.get("docs", {}).get("summary", "")):
                fqn, repeatable = _struct_of(prop["type"])
                index = self.struct(fqn) if fqn and fqn.startswith(_ASSEMBLY) else -1
                blocks[name] = [required, int(repeatable), index]
            else:
                arguments[name] = required  # includes object-typed "nested attributes", written `name = {...}`
        return {"a": dict(sorted(arguments.items())), "b": dict(sorted(blocks.items()))}


def _deduplicate(table: list[dict[str, Any]], roots: list[dict[str, int]]) -> list[dict[str, Any]]:
    """Merge identical block schemas (every resource has its own `timeouts` struct, ...) until nothing changes."""
    while True:
        canonical: dict[str, int] = {}
        remap: list[int] = []
        for schema in table:
            remap.append(canonical.setdefault(json.dumps(schema, sort_keys=True), len(canonical)))
        if len(canonical) == len(table):
            return table
        merged: list[dict[str, Any]] = [{} for _ in canonical]
        for old, schema in enumerate(table):
            blocks = {n: [r, m, remap[i] if i >= 0 else -1] for n, (r, m, i) in schema["b"].items()}
            merged[remap[old]] = {"a": schema["a"], "b": blocks}
        for names in roots:
            for name, index in names.items():
                names[name] = remap[index]
        table = merged


def _config_fqn(cls: dict[str, Any]) -> str | None:
    for param in cls.get("initializer", {}).get("parameters", []):
        if param["name"] == "config":
            return param["type"]["fqn"]
    return None


def _read_only_attributes(cls: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """Attributes a reference may read but the config cannot set (arn, ...): the class's instance getters that are
    neither `<name>Input` nor config properties. Getters carry no registry anchor, so names are snake-cased; the
    reference check compares them without underscores (jsii's `addressLine1` is Terraform's `address_line_1`)."""
    settable = {prop["name"] for prop in config.get("properties", [])}
    return sorted(
        _snake(prop["name"])
        for prop in cls.get("properties", [])
        if not prop.get("static") and not prop["name"].endswith("Input") and prop["name"] not in settable
    )


def compact_schema(assembly: dict[str, Any]) -> dict[str, Any]:
    types = assembly["types"]
    compactor = _Compactor(types)
    kinds: dict[str, dict[str, int]] = {"resource": {}, "data": {}, "ephemeral": {}}
    exported: dict[str, dict[str, list[str]]] = {"resource": {}, "data": {}, "ephemeral": {}}
    provider_version, provider_index = "", -1
    for cls in types.values():
        base = cls.get("base")
        if cls.get("kind") != "class" or base not in (*_KINDS, "cdktn.TerraformProvider"):
            continue
        config = _config_fqn(cls)
        if base == "cdktn.TerraformProvider":
            provider_index = compactor.struct(config)
            continue
        match = _TYPE_NAME.search(cls["docs"]["summary"])
        if not match or not config:
            raise SystemExit(f"cannot read the Terraform type name of {cls['fqn']}: {cls['docs']['summary']!r}")
        provider_version = match.group(1)
        kinds[_KINDS[base]][match.group(2)] = compactor.struct(config)
        exported[_KINDS[base]][match.group(2)] = _read_only_attributes(cls, types[config])
    provider_root = {"provider": provider_index}
    structs = _deduplicate(compactor.table, [*kinds.values(), provider_root])
    return {
        "provider": "hashicorp/aws",
        "provider_version": provider_version,
        "source": f"cdktn-provider-aws=={assembly['version']} (jsii assembly)",
        "provider_config": provider_root["provider"],
        **{kind: dict(sorted(names.items())) for kind, names in kinds.items()},
        "read_only": {kind: dict(sorted(names.items())) for kind, names in exported.items()},
        "structs": structs,
    }


def write_schema(schema: dict[str, Any], path: Path = SCHEMA_PATH) -> None:
    payload = json.dumps(schema, separators=(",", ":"), sort_keys=False).encode()
    # mtime=0 keeps the file byte-identical between regenerations.
    path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", type=Path, help="a cdktn-provider-aws wheel already downloaded")
    parser.add_argument("--out", type=Path, default=SCHEMA_PATH, help=f"output file (default {SCHEMA_PATH.name})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        schema = compact_schema(read_assembly(wheel))
    write_schema(schema, args.out)
    print(
        f"{args.out}: hashicorp/aws {schema['provider_version']}, {len(schema['resource'])} resources, "
        f"{len(schema['data'])} data sources, {len(schema['structs'])} distinct blocks, "
        f"{args.out.stat().st_size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
