"""The full tfplugin6 schema (types, required/optional/computed, nesting) of a provider, from its cdktn jsii assembly.

`schema_extract.py` keeps names only (for the fast schema check); the stand-in provider needs what Terraform itself
checks: each attribute's cty type, which attributes the provider computes, list blocks vs single blocks. The jsii
assembly carries the types (primitive, list, map, struct, block vs attribute); what it does not carry is decided
here, the same way for every type (README, "Offline IaC checks"):

* list vs set: every collection is a list (`toset()` in config still converts; indexing a set would not fail here).
* optional vs optional+computed: resource arguments are optional only, except `id`, `region` and `tags_all`, which
  every AWS resource computes; data source arguments are optional+computed (a data source fills what is not given).
* a block documented as one struct is a list block with at most one item (SDKv2's MaxItems 1: `command[0].name`).
* attributes the config class has no property for (arn, ...) are computed-only: Terraform rejects setting them.

Stored compactly (one table of distinct blocks) in <provider>_provider_tfschema.json.gz next to this module:
block = {"a": {name: [type, flags]}, "b": {name: [min_items, max_items, block index]}}, where type is cty's JSON
type or {"n": nesting, "b": index} for a nested attribute, and flags = 1 required | 2 optional | 4 computed.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from glueflow.iac.schema_extract import _BLOCK_SUMMARY, _KINDS, _argument_name, _config_fqn, _snake

REQUIRED, OPTIONAL, COMPUTED = 1, 2, 4
ALWAYS_COMPUTED = frozenset({"id", "region", "tags_all"})
SCHEMA_DIR = Path(__file__).parent

# "Represents a {@link https://registry.terraform.io/providers/hashicorp/archive/2.8.1/docs/data-sources/file
#  archive_file}"
_TYPE_NAME = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/\w+/([\d.]+)/docs/\S+ (\w+)\}")
_PRIMITIVES = {"string": "string", "number": "number", "boolean": "bool", "date": "string"}
# cdktn's helper classes for computed collections: StringMap -> map(string), StringListList -> list(list(string))
_CDKTN_ELEMENT = {"String": "string", "Number": "number", "Boolean": "bool", "Any": "dynamic"}


# Computed getters carry no registry anchor and their jsii names lose digits' underscores (`outputBase64Sha256` is
# `output_base64sha256`, `addressLine1` is `address_line_1`), so exact names come from the compiled JavaScript:
#   get outputBase64Sha256() { return this.getStringAttribute('output_base64sha256'); }
#   this._commitmentInfo = new XOutputReference(this, "commitment_info");
_JS_GETTER = re.compile(r"get (\w+)\(\) \{\s*return this\.get\w*Attribute\(['\"](\w+)['\"]")
_JS_FIELD = re.compile(r"this\._(\w+) = new \w+\(this, ['\"](\w+)['\"]")


def schema_path(provider: str) -> Path:
    return SCHEMA_DIR / f"{provider}_provider_tfschema.json.gz"


class _TypedCompactor:
    """jsii structs -> typed block schemas, deduplicated into one table (identical `timeouts` blocks stored once)."""

    def __init__(self, types: dict[str, Any], assembly_name: str, names: dict[str, dict[str, str]]) -> None:
        self.types = types
        self.names = names  # "src/x/index.ts" -> jsii getter name -> Terraform attribute name
        self.assembly_name = assembly_name
        self.table: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}
        self._canonical: dict[str, int] = {}

    def block(self, fqn: str, *, data_source: bool, nested_attributes: bool = False) -> int:
        key = f"{fqn}|{data_source}|{nested_attributes}"
        if key not in self._index:
            self._index[key] = -2  # recursion guard: a recursive block (wafv2 statements) ends in a free-form one
            compact = self._compact(self.types[fqn], data_source=data_source, nested_attributes=nested_attributes)
            self._index[key] = self._store(compact)
        return self._index[key]

    def _store(self, compact: dict[str, Any]) -> int:
        text = json.dumps(compact, sort_keys=True)
        if text not in self._canonical:
            self._canonical[text] = len(self.table)
            self.table.append(compact)
        return self._canonical[text]

    def root(self, cls: dict[str, Any], config_fqn: str, *, data_source: bool) -> int:
        """A resource / data source body: its config struct plus the computed-only getters of its class."""
        compact = self._compact(self.types[config_fqn], data_source=data_source)
        settable = {prop["name"] for prop in self.types[config_fqn].get("properties", [])}
        for prop in cls.get("properties", []):
            if prop.get("static") or prop["name"].endswith("Input") or prop["name"] in settable:
                continue
            name = self.attribute_name(cls, prop)
            compact["a"].setdefault(name, [self.read_type(prop["type"], set()), COMPUTED])
        compact["a"] = dict(sorted(compact["a"].items()))
        return self._store(compact)

    def attribute_name(self, cls: dict[str, Any], prop: dict[str, Any]) -> str:
        module = cls.get("locationInModule", {}).get("filename", "")
        return self.names.get(module, {}).get(prop["name"]) or _snake(prop["name"])

    def _compact(self, struct: dict[str, Any], *, data_source: bool, nested_attributes: bool = False) -> dict[str, Any]:
        attributes: dict[str, list[Any]] = {}
        blocks: dict[str, list[int]] = {}
        for prop in struct.get("properties", []):
            name = _argument_name(prop)
            optional = bool(prop.get("optional"))
            flags = OPTIONAL if optional else REQUIRED
            if optional and (data_source or name in ALWAYS_COMPUTED):
                flags |= COMPUTED
            struct_fqn, repeatable = self._struct_of(prop["type"])
            is_block = _BLOCK_SUMMARY.match(prop.get("docs", {}).get("summary", "")) and not nested_attributes
            if struct_fqn and is_block and self._index.get(f"{struct_fqn}|{data_source}|False") != -2:
                index = self.block(struct_fqn, data_source=data_source)
                blocks[name] = [0 if optional else 1, 0 if repeatable else 1, index]
            elif struct_fqn and self._index.get(f"{struct_fqn}|{data_source}|True") != -2:
                index = self.block(struct_fqn, data_source=data_source, nested_attributes=True)
                attributes[name] = [{"n": "list" if repeatable else "single", "b": index}, flags]
            else:
                attributes[name] = [self.config_type(prop["type"]), flags]
        return {"a": dict(sorted(attributes.items())), "b": dict(sorted(blocks.items()))}

    def _struct_of(self, ref: dict[str, Any]) -> tuple[str | None, bool]:
        """(struct fqn, repeatable) when the property holds one struct or a list of structs of this assembly."""
        if ref.get("fqn", "").startswith(self.assembly_name) and self.types[ref["fqn"]].get("datatype"):
            return ref["fqn"], False
        for option in ref.get("union", {}).get("types", []):
            collection = option.get("collection", {})
            element = collection.get("elementtype", {}).get("fqn", "")
            if collection.get("kind") == "array" and element.startswith(self.assembly_name):
                return element, True
        return None, False

    def config_type(self, ref: dict[str, Any]) -> Any:
        if "primitive" in ref:
            return _PRIMITIVES.get(ref["primitive"], "dynamic")
        if "collection" in ref:
            kind = "list" if ref["collection"]["kind"] == "array" else "map"
            return [kind, self.config_type(ref["collection"]["elementtype"])]
        if "union" in ref:
            options = [o for o in ref["union"]["types"] if o.get("fqn") != "cdktn.IResolvable"]
            return self.config_type(options[0]) if len(options) == 1 else "dynamic"
        return "dynamic"

    def read_type(self, ref: dict[str, Any], seen: set[str]) -> Any:
        """The type of a computed getter: primitives, cdktn collection helpers, or lists of output objects."""
        fqn = ref.get("fqn")
        if fqn is None:
            return self.config_type(ref)
        if fqn == "cdktn.IResolvable":
            return "bool"  # cdktn returns computed booleans as IResolvable
        if fqn.startswith("cdktn."):
            return _cdktn_collection(fqn.removeprefix("cdktn."))
        if fqn in seen:
            return "dynamic"
        cls = self.types.get(fqn, {})
        if fqn.endswith("List"):
            getter = next((m for m in cls.get("methods", []) if m["name"] == "get"), None)
            element = getter["returns"]["type"] if getter else {}
            return ["list", self.read_type(element, seen | {fqn})]
        return ["object", self._output_object(cls, seen | {fqn})]

    def _output_object(self, cls: dict[str, Any], seen: set[str]) -> dict[str, Any]:
        return {
            self.attribute_name(cls, prop): self.read_type(prop["type"], seen)
            for prop in cls.get("properties", [])
            if not prop.get("static") and not prop["name"].endswith("Input") and prop["name"] != "internalValue"
        }


def _cdktn_collection(name: str) -> Any:
    for prefix, element in _CDKTN_ELEMENT.items():
        if name.startswith(prefix):
            rest = name.removeprefix(prefix)
            kinds = []
            while rest:
                kind = "map" if rest.startswith("Map") else "list"
                kinds.append(kind)
                rest = rest[3:] if kind == "map" else rest[4:]
            result: Any = element
            for kind in kinds:
                result = [kind, result]
            return result
    return "dynamic"


def read_package(wheel: Path) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """The jsii assembly and, per TypeScript module, the Terraform names of its getters (from lib/**/index.js)."""
    with zipfile.ZipFile(wheel) as whl:
        tgz = io.BytesIO(whl.read(next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))))
    names: dict[str, dict[str, str]] = {}
    assembly: dict[str, Any] = {}
    with tarfile.open(fileobj=tgz, mode="r:gz") as tar:
        for member in tar:
            stream = tar.extractfile(member) if member.isfile() else None
            if stream is None:
                continue
            if member.name == "package/.jsii":
                assembly = json.load(stream)
            elif member.name.startswith("package/lib/") and member.name.endswith(".js"):
                text = stream.read().decode()
                module = "src/" + member.name.removeprefix("package/lib/").removesuffix(".js") + ".ts"
                names[module] = dict(_JS_GETTER.findall(text)) | dict(_JS_FIELD.findall(text))
    return assembly, names


def typed_schema(assembly: dict[str, Any], provider: str, names: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The typed schema of every resource and data source (ephemeral resources are not served)."""
    types = assembly["types"]
    compactor = _TypedCompactor(types, assembly["name"], names)
    kinds: dict[str, dict[str, int]] = {"resource": {}, "data": {}}
    version, provider_index = "", -1
    for cls in types.values():
        base = cls.get("base")
        if cls.get("kind") != "class" or base not in (*_KINDS, "cdktn.TerraformProvider"):
            continue
        config = _config_fqn(cls)
        if base == "cdktn.TerraformProvider":
            provider_index = compactor.block(config, data_source=False) if config else -1
            continue
        kind = _KINDS[base]
        match = _TYPE_NAME.search(cls["docs"]["summary"])
        if kind not in kinds or not match or not config:
            continue
        version = match.group(1)
        kinds[kind][match.group(2)] = compactor.root(cls, config, data_source=kind == "data")
    return {
        "provider": f"hashicorp/{provider}",
        "provider_version": version,
        "source": f"{assembly['name']}@{assembly['version']} (jsii assembly)",
        "provider_config": provider_index,
        **{kind: dict(sorted(names.items())) for kind, names in kinds.items()},
        "blocks": compactor.table,
    }


def write_typed_schema(schema: dict[str, Any], path: Path) -> None:
    payload = json.dumps(schema, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))  # mtime=0: byte-identical regenerations


def load_typed_schema(provider: str) -> dict[str, Any]:
    return json.loads(gzip.decompress(schema_path(provider).read_bytes()))


# Regenerate after bumping a pinned wheel (needs PyPI; ~1 min for aws):
#   .venv/bin/python -m glueflow.iac.provider.typed_schema [--wheel-dir DIR]
WHEELS = {"aws": "cdktn-provider-aws==25.8.1", "archive": "cdktn-provider-archive==14.0.1"}


def main(argv: list[str] | None = None) -> int:
    import argparse
    import subprocess
    import sys
    import tempfile

    parser = argparse.ArgumentParser(description="Write <provider>_provider_tfschema.json.gz from the cdktn wheels.")
    parser.add_argument("--wheel-dir", type=Path, help="a directory that already holds the pinned wheels")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.wheel_dir or Path(tmp)
        for provider, requirement in WHEELS.items():
            wheel_name = requirement.replace("-", "_").replace("==", "-")
            wheel = next(directory.glob(f"{wheel_name}-*.whl"), None)
            if wheel is None:
                pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(directory)]
                subprocess.run([*pip, requirement], check=True)
                wheel = next(directory.glob(f"{wheel_name}-*.whl"))
            assembly, names = read_package(wheel)
            schema = typed_schema(assembly, provider, names)
            write_typed_schema(schema, schema_path(provider))
            print(
                f"{schema_path(provider).name}: hashicorp/{provider} {schema['provider_version']}, "
                f"{len(schema['resource'])} resources, {len(schema['data'])} data sources"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
