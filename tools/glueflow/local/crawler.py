"""The local crawler: turn the files under a crawler's S3 targets into Glue catalog tables and partitions.

`crawl()` is pure: it reads files (through `classifiers.classify_file`, which samples them as Glue does) and
the catalog's current tables, and returns what to create, update and delete. The engine applies the result to
the store, so a crawl that fails half-way changes nothing.

How files become tables (Glue's grouping, see "How does a crawler determine when to create partitions?"):

- Every data file under an include path is classified. Hidden and underscore files and folders (`_SUCCESS`,
  `_temporary/`, `.part.crc`), `$folder$` markers, empty objects and objects matching an exclusion glob are
  skipped; files no classifier recognises are skipped with a message.
- If all files under the include path share a format (classification, compression, CSV delimiter and header),
  sit at the same folder depth, and their schemas are similar (more than 70% of the partitions fall in one
  cluster of schemas sharing at least 70% of their column names, and at most 5 clusters), they form ONE table
  named after the include path's last folder. Each folder level below it becomes a partition key: `key=value`
  folders give key `key`, other folders `partition_0`, `partition_1`, ... (all of type string).
- Otherwise the crawler descends: files directly in the folder become one table each (named after the file),
  and each subfolder is tried as a table of its own, recursively.
- Table names are lower-cased, non-alphanumerics become `_`, the crawler's TablePrefix goes in front. A name
  already used by this crawl or by a table outside this crawler's targets gets a hash of the location appended.

Schema-change policy (SchemaChangePolicy): a new table is always created; a changed table (columns, types,
partition keys, format, location) is updated under UPDATE_IN_DATABASE and only logged under LOG; an unchanged
one is left alone (statistics alone do not count as a change). Tables of this crawler whose data is gone are
logged, deleted or marked `DEPRECATED_BY_CRAWLER` according to DeleteBehavior. A table belongs to this
crawler when its location lies under one of the targets (and, if `crawler_name` is given, it was not written
by another crawler).

`partitions` lists, for every table found, all partitions found now; the store should add the new ones.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from glueflow.local.classifiers import (
    FileSchema,
    Unclassified,
    classify_file,
    merge_columns,
    render_type,
    storage_format,
)

UPDATE_BEHAVIORS = ("UPDATE_IN_DATABASE", "LOG")
DELETE_BEHAVIORS = ("LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE")

SIMILAR_COLUMNS = 0.7  # two schemas are "similar" when they share this share of their column names
PARTITION_THRESHOLD = 0.7  # ...and one table needs more than this share of partitions in the largest cluster
MAX_SCHEMA_CLUSTERS = 5

DEPRECATED = "DEPRECATED_BY_CRAWLER"
# Every table parameter the crawler owns; on update these are replaced, any other (user-set) one is kept.
CRAWLER_PARAMETERS = frozenset(
    {
        "classification",
        "compressionType",
        "typeOfData",
        "delimiter",
        "columnsOrdered",
        "areColumnsQuoted",
        "skip.header.line.count",
        "recordCount",
        "objectCount",
        "sizeKey",
        "averageRecordSize",
        "CrawlerSchemaSerializerVersion",
        "CrawlerSchemaDeserializerVersion",
        "UPDATED_BY_CRAWLER",
        DEPRECATED,
    }
)
_STATISTICS = frozenset({"recordCount", "objectCount", "sizeKey", "averageRecordSize", "UPDATED_BY_CRAWLER"})
_TABLE_INPUT_KEYS = (
    "Name",
    "Description",
    "Owner",
    "Retention",
    "StorageDescriptor",
    "PartitionKeys",
    "TableType",
    "Parameters",
    "TargetTable",
)
_SKIPPED_SUFFIXES = (".crc", "$folder$")


@dataclass(frozen=True)
class CrawlTarget:
    """One S3 include path: where its objects live locally, its s3:// form, and its exclusion globs."""

    local_path: Path
    s3_path: str
    exclusions: list[str] = field(default_factory=list, hash=False)
    classifiers: list[dict] = field(default_factory=list, hash=False)  # the crawler's custom ones, in order


@dataclass
class CrawlResult:
    """What a crawl found, as Glue API inputs; the engine writes it to the catalog."""

    tables_to_create: list[dict] = field(default_factory=list)
    tables_to_update: list[dict] = field(default_factory=list)
    tables_to_delete: list[str] = field(default_factory=list)
    partitions: dict[str, list[dict]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


def crawl(
    targets: list[CrawlTarget],
    *,
    database: str,
    table_prefix: str,
    existing: dict[str, dict],
    update_behavior: str,
    delete_behavior: str,
    crawler_name: str | None = None,
) -> CrawlResult:
    """Crawl `targets` and compare with `existing` (table name -> Glue `Table` of `database`)."""
    if update_behavior not in UPDATE_BEHAVIORS:
        raise ValueError(f"UpdateBehavior must be one of {', '.join(UPDATE_BEHAVIORS)}, not {update_behavior!r}")
    if delete_behavior not in DELETE_BEHAVIORS:
        raise ValueError(f"DeleteBehavior must be one of {', '.join(DELETE_BEHAVIORS)}, not {delete_behavior!r}")
    result = CrawlResult()
    roots = [_s3_root(target) for target in targets]

    def owned(table: dict) -> bool:
        location = _location(table)
        writer = _parameters(table).get("UPDATED_BY_CRAWLER")
        mine = crawler_name is None or writer in (None, crawler_name)
        return mine and any(_is_within(location, root) for root in roots)

    drafts: list[_Draft] = []
    for target, root in zip(targets, roots, strict=True):
        drafts.extend(_crawl_target(target, root, table_prefix, crawler_name, result.messages))
    _name_tables(drafts, existing, owned)
    for draft in drafts:
        _reconcile_found(draft, existing.get(draft.name), update_behavior, result)
    found = {draft.name for draft in drafts}
    for name, table in sorted(existing.items()):
        if name not in found and owned(table):
            _reconcile_gone(name, table, delete_behavior, result)
    result.messages.append(
        f"Crawl of database {database} done: {len(result.tables_to_create)} table(s) created, "
        f"{len(result.tables_to_update)} updated, {len(result.tables_to_delete)} deleted."
    )
    return result


# --- Finding data files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _DataFile:
    rel: PurePosixPath  # relative to the target's include path
    schema: FileSchema


def _s3_root(target: CrawlTarget) -> str:
    """The include path as a table location: folders end with '/', a single-object target does not."""
    return target.s3_path if target.local_path.is_file() else target.s3_path.rstrip("/") + "/"


def _is_within(location: str, root: str) -> bool:
    location = location.rstrip("/")
    return location == root.rstrip("/") or (root.endswith("/") and location.startswith(root))


def _skipped_name(name: str) -> bool:
    """What Spark and Hadoop write beside data (`_SUCCESS`, `.part-0.crc`, `_temporary`), and S3 console
    folder markers; Glue's crawler and Spark both ignore these."""
    return name.startswith((".", "_")) or name.endswith(_SKIPPED_SUFFIXES)


def _list_files(target: CrawlTarget, root: str, messages: list[str]) -> list[tuple[PurePosixPath, Path]]:
    """Data files under the target, sorted, with exclusions applied (paths relative to the include path)."""
    base = target.local_path
    if base.is_file():
        return [(PurePosixPath("."), base)]  # the include path is one object
    if not base.is_dir():
        messages.append(f"{root}: no objects found under the include path.")
        return []
    excluders = [glob_to_regex(pattern) for pattern in target.exclusions]
    found: list[tuple[PurePosixPath, Path]] = []
    excluded = 0
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not _skipped_name(d))
        rel_folder = PurePosixPath(Path(folder).relative_to(base).as_posix())
        for name in sorted(files):
            rel = rel_folder / name
            if _skipped_name(name):
                continue
            if any(regex.fullmatch(str(rel)) for regex in excluders):
                excluded += 1
                continue
            found.append((rel, Path(folder, name)))
    if excluded:
        messages.append(f"{root}: {excluded} object(s) matched the exclusions {target.exclusions} and were skipped.")
    if not found:
        messages.append(f"{root}: no data objects found under the include path.")
    return found


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Glue's exclude-pattern glob, relative to the include path: `*` stays within a folder, `**` crosses
    folders, `?` one character, `[...]`/`[!...]` a class, `{a,b}` alternatives, `\\` escapes.
    Hand-written because fnmatch lets `*` cross `/` and has neither `**` nor `{a,b}`."""
    return re.compile(_glob_body(pattern.lstrip("/")))


def _glob_body(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        elif char == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end
        elif char == "{" and (end := pattern.find("}", i)) != -1:
            out.append("(?:" + "|".join(_glob_body(alt) for alt in pattern[i + 1 : end].split(",")) + ")")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def _classify_all(target: CrawlTarget, root: str, messages: list[str]) -> list[_DataFile]:
    data: list[_DataFile] = []
    for rel, path in _list_files(target, root, messages):
        schema = classify_file(path, target.classifiers)
        if isinstance(schema, Unclassified):
            messages.append(f"Skipped {_join(root, rel)}: {schema.reason}.")
        else:
            data.append(_DataFile(rel, schema))
    return data


# --- Grouping files into tables -------------------------------------------------------------------------------


@dataclass
class _Group:
    rel_root: PurePosixPath  # the table's root relative to the include path ('.' = the include path)
    files: list[_DataFile]
    single_file: bool = False


def _group_tables(rel_root: PurePosixPath, files: list[_DataFile]) -> list[_Group]:
    if _forms_one_table(rel_root, files):
        return [_Group(rel_root, files)]
    groups = [_Group(f.rel, [f], single_file=True) for f in files if f.rel.parent == rel_root]
    children = sorted({_relative(f.rel, rel_root).parts[0] for f in files if f.rel.parent != rel_root})
    for child in children:
        under = [f for f in files if _relative(f.rel, rel_root).parts[0] == child and f.rel.parent != rel_root]
        groups.extend(_group_tables(rel_root / child, under))
    return groups


def _relative(path: PurePosixPath, root: PurePosixPath) -> PurePosixPath:
    return path if str(root) == "." else path.relative_to(root)


def _forms_one_table(rel_root: PurePosixPath, files: list[_DataFile]) -> bool:
    """Glue's data compatibility (same format, same folder depth) and schema similarity."""
    if len({f.schema.grouping_key for f in files}) != 1:
        return False
    if len({len(_relative(f.rel, rel_root).parts) for f in files}) != 1:
        return False
    units: dict[PurePosixPath, set[str]] = {}  # a partition folder, or a file when there are no partitions
    for f in files:
        unit = f.rel if f.rel.parent == rel_root else f.rel.parent
        units.setdefault(unit, set()).update(name for name, _ in f.schema.columns)
    return _similar_enough(list(units.values()))


def _similar_enough(schemas: Sequence[set[str]]) -> bool:
    clusters: list[tuple[set[str], int]] = []
    for names in schemas:
        for i, (representative, size) in enumerate(clusters):
            if _overlap(names, representative) >= SIMILAR_COLUMNS:
                clusters[i] = (representative, size + 1)
                break
        else:
            clusters.append((names, 1))
    largest = max(size for _, size in clusters)
    return len(clusters) <= MAX_SCHEMA_CLUSTERS and largest / len(schemas) > PARTITION_THRESHOLD


def _overlap(left: set[str], right: set[str]) -> float:
    union = left | right
    return len(left & right) / len(union) if union else 1.0


# --- Building table and partition inputs ----------------------------------------------------------------------


@dataclass
class _Draft:
    """A table this crawl found: its Glue TableInput and PartitionInputs, before naming is final."""

    base_name: str
    location: str
    table: dict
    partitions: list[dict]
    name: str = ""


def _crawl_target(
    target: CrawlTarget, root: str, prefix: str, crawler_name: str | None, messages: list[str]
) -> list[_Draft]:
    files = _classify_all(target, root, messages)
    if not files:
        return []
    if target.local_path.is_file():
        groups = [_Group(PurePosixPath("."), files, single_file=True)]
    else:
        groups = _group_tables(PurePosixPath("."), files)
    drafts = []
    for group in groups:
        draft = _draft_table(group, root, prefix, crawler_name)
        formats = sorted({f.schema.describe() for f in group.files})
        messages.append(
            f"{draft.location}: {len(group.files)} object(s), classified {', '.join(formats)}, "
            f"{len(draft.partitions)} partition(s) -> table {draft.base_name}."
        )
        clash = sorted(set(_key_names(draft.table)) & {c["Name"] for c in draft.table["StorageDescriptor"]["Columns"]})
        if clash:
            messages.append(f"Table {draft.base_name}: column(s) {', '.join(clash)} also name a partition folder.")
        drafts.append(draft)
    return drafts


def _join(root: str, rel: PurePosixPath) -> str:
    return root if str(rel) == "." else root.rstrip("/") + "/" + str(rel)


def table_name(prefix: str, location: str) -> str:
    """Glue's table name: the location's last path segment (the bucket for a bucket root), lower-cased, with
    characters other than letters, digits and `_` replaced by `_`, after the crawler's TablePrefix."""
    last = location.removeprefix("s3://").rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^a-z0-9_]", "_", (prefix + last).lower())


def _draft_table(group: _Group, root: str, prefix: str, crawler_name: str | None) -> _Draft:
    location = _join(root, group.rel_root)
    if not group.single_file:
        location = location.rstrip("/") + "/"
    schemas = [f.schema for f in group.files]
    columns = [{"Name": n, "Type": render_type(t)} for n, t in merge_columns(s.columns for s in schemas)]
    folders = [] if group.single_file else [_relative(f.rel, group.rel_root).parts[:-1] for f in group.files]
    keys = _partition_keys(folders)
    descriptor = _storage_descriptor(schemas, columns, location, crawler_name)
    table = {
        "Name": "",
        "StorageDescriptor": descriptor,
        "PartitionKeys": [{"Name": key, "Type": "string"} for key in keys],
        "TableType": "EXTERNAL_TABLE",
        "Parameters": dict(descriptor["Parameters"]),
    }
    partitions = _partitions(group, keys, columns, location, crawler_name)
    return _Draft(table_name(prefix, location), location, table, partitions)


def _storage_descriptor(
    schemas: Sequence[FileSchema], columns: list[dict], location: str, crawler_name: str | None
) -> dict:
    fmt = storage_format(schemas)
    return {
        "Columns": [dict(column) for column in columns],  # no sharing between table and partitions
        "Location": location,
        "InputFormat": fmt.input_format,
        "OutputFormat": fmt.output_format,
        "Compressed": schemas[0].compression != "none",
        "NumberOfBuckets": -1,
        "SerdeInfo": {"SerializationLibrary": fmt.serde_library, "Parameters": fmt.serde_parameters},
        "BucketColumns": [],
        "SortColumns": [],
        "Parameters": fmt.parameters | _statistics(schemas, crawler_name),
        "StoredAsSubDirectories": False,
    }


def _statistics(schemas: Sequence[FileSchema], crawler_name: str | None) -> dict[str, str]:
    records = sum(s.record_count for s in schemas)
    weighted_size = sum(s.average_record_size * s.record_count for s in schemas)
    stats = {
        "CrawlerSchemaDeserializerVersion": "1.0",
        "CrawlerSchemaSerializerVersion": "1.0",
        "averageRecordSize": str(weighted_size // records if records else 0),
        "objectCount": str(len(schemas)),
        "recordCount": str(records),
        "sizeKey": str(sum(s.size for s in schemas)),
    }
    if crawler_name:
        stats["UPDATED_BY_CRAWLER"] = crawler_name
    return stats


def _partition_keys(folder_paths: Sequence[tuple[str, ...]]) -> list[str]:
    """One key per folder level: `key` when every folder at that level is `key=value`, else `partition_<i>`."""
    depth = len(folder_paths[0]) if folder_paths else 0
    keys = []
    for level in range(depth):
        names = {path[level].split("=", 1)[0] if "=" in path[level] else None for path in folder_paths}
        only = names.pop() if len(names) == 1 else None
        keys.append(only.lower() if only else f"partition_{level}")
    return keys


def _partition_value(folder: str, key: str) -> str:
    if "=" in folder and folder.split("=", 1)[0].lower() == key:
        return unquote(folder.split("=", 1)[1])  # Hive escapes special characters in partition folder names
    return folder


def _partitions(
    group: _Group, keys: list[str], columns: list[dict], location: str, crawler_name: str | None
) -> list[dict]:
    if not keys:
        return []
    by_folder: dict[tuple[str, ...], list[FileSchema]] = {}
    for f in group.files:
        by_folder.setdefault(_relative(f.rel, group.rel_root).parts[:-1], []).append(f.schema)
    partitions = []
    for folders, schemas in sorted(by_folder.items()):
        descriptor = _storage_descriptor(schemas, columns, location + "/".join(folders) + "/", crawler_name)
        partitions.append(
            {
                "Values": [_partition_value(folder, key) for folder, key in zip(folders, keys, strict=True)],
                "StorageDescriptor": descriptor,
                "Parameters": dict(descriptor["Parameters"]),
            }
        )
    return partitions


def _name_tables(drafts: list[_Draft], existing: dict[str, dict], owned: Callable[[dict], bool]) -> None:
    """Final names: a name taken in this crawl, or by a table outside this crawler's targets at another
    location, gets `_<hash of the location>` appended, as Glue does on conflicts."""
    counts = Counter(draft.base_name for draft in drafts)
    for draft in drafts:
        other = existing.get(draft.base_name)
        foreign = other is not None and not owned(other) and _location(other).rstrip("/") != draft.location.rstrip("/")
        if counts[draft.base_name] > 1 or foreign:
            draft.name = f"{draft.base_name}_{hashlib.md5(draft.location.encode()).hexdigest()[:8]}"
        else:
            draft.name = draft.base_name
        draft.table["Name"] = draft.name


# --- Schema-change policy ------------------------------------------------------------------------------------


def _reconcile_found(draft: _Draft, current: dict | None, update_behavior: str, result: CrawlResult) -> None:
    if current is None:
        result.tables_to_create.append(draft.table)
        result.partitions[draft.name] = draft.partitions
        result.messages.append(
            f"Created table {draft.name}: {_schema_text(draft.table)} at {draft.location}"
            f" with {len(draft.partitions)} partition(s)."
        )
        return
    changes = describe_changes(current, draft.table)
    same_keys = _key_names(current) == _key_names(draft.table)
    if not changes:
        result.messages.append(f"Table {draft.name} is unchanged.")
    elif update_behavior == "UPDATE_IN_DATABASE":
        result.tables_to_update.append(_updated_input(current, draft.table))
        result.messages.append(f"Updated table {draft.name}: {'; '.join(changes)}.")
        same_keys = True
    else:
        result.messages.append(
            f"Table {draft.name} changed ({'; '.join(changes)}) but was not updated: UpdateBehavior is LOG."
        )
    if same_keys:  # new partitions are added even under LOG, as long as they fit the table's keys
        result.partitions[draft.name] = draft.partitions


def _reconcile_gone(name: str, table: dict, delete_behavior: str, result: CrawlResult) -> None:
    location = _location(table) or "?"
    if delete_behavior == "DELETE_FROM_DATABASE":
        result.tables_to_delete.append(name)
        result.messages.append(f"Deleted table {name}: no data left at {location}.")
    elif delete_behavior == "DEPRECATE_IN_DATABASE":
        if DEPRECATED in _parameters(table):
            result.messages.append(f"Table {name} has no data at {location} and is already deprecated.")
            return
        deprecated = _table_input(table)
        deprecated["Parameters"] = {**_parameters(table), DEPRECATED: str(int(time.time() * 1000))}
        result.tables_to_update.append(deprecated)
        result.messages.append(f"Deprecated table {name}: no data left at {location}.")
    else:
        result.messages.append(f"Table {name} has no data left at {location}; kept because DeleteBehavior is LOG.")


def _location(table: dict) -> str:
    return (table.get("StorageDescriptor") or {}).get("Location") or ""


def _parameters(table: dict) -> dict[str, str]:
    return table.get("Parameters") or {}


def _key_names(table: dict) -> list[str]:
    return [key["Name"] for key in table.get("PartitionKeys") or []]


def _schema_text(table: dict) -> str:
    columns = ", ".join(f"{c['Name']} {c['Type']}" for c in table["StorageDescriptor"]["Columns"])
    keys = ", ".join(_key_names(table))
    return f"({columns})" + (f" partitioned by ({keys})" if keys else "")


def describe_changes(current: dict, found: dict) -> list[str]:
    """What differs between the catalog's table and the one just inferred, in words; [] if nothing that
    matters (statistics such as recordCount change with every new file and are not a schema change)."""
    old_sd, new_sd = current.get("StorageDescriptor") or {}, found["StorageDescriptor"]
    changes = _column_changes(_columns(old_sd.get("Columns", [])), _columns(new_sd["Columns"]))
    if _key_names(current) != _key_names(found):
        changes.append(f"partition keys {_key_names(current)} -> {_key_names(found)}")
    for key in ("Location", "InputFormat", "OutputFormat", "SerdeInfo"):
        old, new = old_sd.get(key), new_sd.get(key)
        if key == "SerdeInfo":
            old = (old or {}).get("SerializationLibrary"), (old or {}).get("Parameters", {})
            new = new["SerializationLibrary"], new["Parameters"]
        if old != new:
            changes.append(f"{key} {old} -> {new}")
    old_params, new_params = _parameters(current), found["Parameters"]
    for key in sorted((CRAWLER_PARAMETERS - _STATISTICS) - {DEPRECATED}):
        if old_params.get(key) != new_params.get(key):
            changes.append(f"{key} {old_params.get(key)!r} -> {new_params.get(key)!r}")
    if DEPRECATED in old_params:
        changes.append("its data is back, so it is no longer deprecated")
    return changes


def _columns(columns: Iterable[dict]) -> dict[str, str]:
    return {c["Name"]: c.get("Type", "") for c in columns}


def _column_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    changes = []
    added = [f"{n} {t}" for n, t in new.items() if n not in old]
    removed = [n for n in old if n not in new]
    retyped = [f"{n} {old[n]} -> {t}" for n, t in new.items() if n in old and old[n] != t]
    if added:
        changes.append("new columns " + ", ".join(added))
    if removed:
        changes.append("columns gone " + ", ".join(removed))
    if retyped:
        changes.append("column types " + ", ".join(retyped))
    if not (added or removed or retyped) and list(old) != list(new):
        changes.append("column order " + ", ".join(new))
    return changes


def _table_input(table: dict) -> dict:
    """The TableInput members of a Glue `Table` (GetTable adds DatabaseName, CreateTime... which
    UpdateTable rejects)."""
    return {key: table[key] for key in _TABLE_INPUT_KEYS if key in table}


def _updated_input(current: dict, found: dict) -> dict:
    """The inferred table, keeping what users set on the current one: description, owner, retention and
    parameters the crawler does not own."""
    updated = {**_table_input(current), **found}
    kept = {k: v for k, v in _parameters(current).items() if k not in CRAWLER_PARAMETERS}
    updated["Parameters"] = kept | found["Parameters"]
    return updated
