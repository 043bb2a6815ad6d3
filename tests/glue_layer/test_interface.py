"""Our awsglue layer against AWS's published interface package, AWSGlueDataplanePython==5.0.0.

That package is under the Amazon Software License, so it is only ever installed here, into a temporary
directory, and only read with `ast` (never imported, never copied). Every public method of the classes we provide
must exist in ours (implemented, or raising UnsupportedGlueApiError that names it), and every method we implement
must take Glue's parameters, by name, in Glue's order, with Glue's defaults (a mutable `{}` default is `None`
here).
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PACKAGE = "AWSGlueDataplanePython==5.0.0"
CLASSES = {
    "context": ["GlueContext"],
    "dynamicframe": ["DynamicFrame", "DynamicFrameCollection", "DynamicFrameReader", "DynamicFrameWriter"],
    "data_sink": ["DataSink"],
    "job": ["Job"],
    "dataframereader": ["DataFrameReader"],
    "dataframewriter": ["DataFrameWriter"],
}
TRANSFORMS = ["ApplyMapping", "ResolveChoice", "DropNullFields", "DropFields", "SelectFields", "RenameField",
              "Filter", "Map", "Join", "SplitFields", "SplitRows", "Relationalize", "UnnestFrame",
              "SelectFromCollection", "MapToCollection", "ErrorsAsDynamicFrame", "Repartition", "Coalesce",
              "Union", "Spigot"]  # fmt: skip
# Constructors Glue calls internally with JVM objects; ours take Python ones.
INTERNAL = {("DataSink", "__init__"), ("DynamicFrameReader", "__init__"), ("DynamicFrameWriter", "__init__"),
            ("DataFrameReader", "__init__"), ("DataFrameWriter", "__init__")}  # fmt: skip


@pytest.fixture(scope="module")
def aws_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("aws-interface")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
         "--target", str(target), PACKAGE],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.skip(f"{PACKAGE} could not be installed from PyPI: {result.stderr.strip()[-300:]}")
    return target / "awsglue"


@pytest.fixture(scope="module")
def ours() -> Iterator[Any]:
    from glueflow.local import glue_layer

    sys.path.insert(0, str(glue_layer.LAYER_DIR))
    import awsglue

    yield awsglue
    sys.path.remove(str(glue_layer.LAYER_DIR))
    for name in [m for m in sys.modules if m == "awsglue" or m.startswith("awsglue.")]:
        del sys.modules[name]


def _aws_classes(path: Path) -> dict[str, dict[str, ast.arguments]]:
    found: dict[str, dict[str, ast.arguments]] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = {
                f.name: f.args
                for f in node.body
                if isinstance(f, ast.FunctionDef) and (not f.name.startswith("_") or f.name in ("__init__", "__call__"))
            }
    return found


def _aws_signature(args: ast.arguments) -> list[tuple[str, str, Any]]:
    """[(name, kind, default)] without self/cls; kind is 'positional', 'var' or 'kw'."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[Any] = [inspect.Parameter.empty] * (len(positional) - len(args.defaults)) + [
        _literal(d) for d in args.defaults
    ]
    result = [(a.arg, "positional", d) for a, d in zip(positional, defaults, strict=True)]
    if args.vararg:
        result.append((args.vararg.arg, "var", inspect.Parameter.empty))
    result += [(a.arg, "kwonly", _literal(d) if d else inspect.Parameter.empty)
               for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]  # fmt: skip
    if args.kwarg:
        result.append((args.kwarg.arg, "kw", inspect.Parameter.empty))
    return result[1:] if result and result[0][0] in ("self", "cls") else result


def _literal(node: ast.expr) -> Any:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return "<expr>"
    return None if value == {} or value == [] else value


def _our_signature(function: Any) -> list[tuple[str, str, Any]]:
    kinds = {
        inspect.Parameter.POSITIONAL_ONLY: "positional",
        inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
        inspect.Parameter.VAR_POSITIONAL: "var",
        inspect.Parameter.KEYWORD_ONLY: "kwonly",
        inspect.Parameter.VAR_KEYWORD: "kw",
    }
    params = list(inspect.signature(function).parameters.values())
    result = [(p.name, kinds[p.kind], p.default) for p in params]
    return result[1:] if result and result[0][0] in ("self", "cls") else result


def _is_stub(function: Any) -> bool:
    return "UnsupportedGlueApiError" in (getattr(function, "__doc__", "") or "")


def _compare(owner: str, name: str, aws: ast.arguments, mine: Any) -> list[str]:
    if _is_stub(mine) or (owner, name) in INTERNAL:
        return []
    theirs, ours_ = _aws_signature(aws), _our_signature(mine)
    if theirs != ours_:
        return [f"{owner}.{name}: AWS {theirs} != ours {ours_}"]
    return []


def test_getresolvedoptions_signature(aws_package: Path, ours: Any) -> None:
    from awsglue import utils

    tree = ast.parse((aws_package / "utils.py").read_text(encoding="utf-8"))
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "getResolvedOptions"]
    assert _aws_signature(function.args) == _our_signature(utils.getResolvedOptions)
    assert any(isinstance(n, ast.ClassDef) and n.name == "GlueArgumentError" for n in tree.body)
    assert issubclass(utils.GlueArgumentError, Exception)


def test_classes_have_every_aws_method_with_aws_parameters(aws_package: Path, ours: Any) -> None:
    import importlib

    problems: list[str] = []
    for module_name, class_names in CLASSES.items():
        aws = _aws_classes(aws_package / f"{module_name}.py")
        module = importlib.import_module(f"awsglue.{module_name}")
        for class_name in class_names:
            cls = getattr(module, class_name, None)
            if cls is None:
                problems.append(f"awsglue.{module_name}.{class_name} missing")
                continue
            for method, args in aws[class_name].items():
                mine = cls.__dict__.get(method) or getattr(cls, method, None)
                if mine is None:
                    problems.append(f"{class_name}.{method} missing")
                    continue
                problems += _compare(class_name, method, args, getattr(mine, "__func__", mine))
    assert problems == []


def test_transforms_take_aws_parameters(aws_package: Path, ours: Any) -> None:
    import awsglue.transforms as transforms

    aws: dict[str, dict[str, ast.arguments]] = {}
    for path in sorted((aws_package / "transforms").glob("*.py")):
        aws.update(_aws_classes(path))
    problems = []
    for name in TRANSFORMS:
        cls = getattr(transforms, name, None)
        if cls is None or not hasattr(cls, "apply"):
            problems.append(f"transforms.{name} missing")
            continue
        problems += _compare(name, "__call__", aws[name]["__call__"], cls.__call__)
    assert problems == []
    assert transforms.Unnest is transforms.UnnestFrame


def test_unimplemented_api_names_itself_and_the_doc(ours: Any) -> None:
    from awsglue._glueflow.unsupported import UnsupportedGlueApiError
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame

    frame = DynamicFrame(None, None, "f")
    with pytest.raises(UnsupportedGlueApiError, match=r"DynamicFrame.unbox .*docs/awsglue.md"):
        frame.unbox("x", "json")
    with pytest.raises(UnsupportedGlueApiError, match=r"DynamicFrame.no_such_method .*docs/awsglue.md"):
        frame.no_such_method()
    with pytest.raises(UnsupportedGlueApiError, match=r"GlueContext\.forEachBatch"):
        GlueContext.forEachBatch(None, None, None)
    bare = GlueContext.__new__(GlueContext)  # no Spark needed to ask for a method Glue has and we do not
    with pytest.raises(UnsupportedGlueApiError, match=r"GlueContext\.create_iceberg_frame .*docs/awsglue.md"):
        bare.create_iceberg_frame()
    with pytest.raises(UnsupportedGlueApiError, match=r"from_options\(push_down_predicate=\.\.\.\)"):
        bare.create_dynamic_frame_from_options("s3", {"paths": ["s3://b/t/"]}, "json", push_down_predicate="y = 1")
