"""Read-only Glue lookups of the local runtime: List* (with Tags filters), BatchGet*, GetTags, GetTableVersions and
SearchTables — the calls the Glue console, the AWS CLI and catalog browsers make beside the Get* ones.

Registered on `glueflow.local.runtime`'s operation table (imported there), so every request is checked against
botocore's model first, like the others.
"""

from __future__ import annotations

import re

from glueflow.local import errors, shapes
from glueflow.local.definitions import public
from glueflow.local.runtime import JSON, LocalRuntime, operation

# Glue ARNs: arn:aws:glue:<region>:<account>:<kind>/<name> (a table: table/<database>/<name>).
_ARN = re.compile(r"^arn:aws[a-z-]*:glue:[^:]*:[^:]*:(?P<kind>[a-z]+)/(?P<name>.+)$")
_TAGGED_KINDS = {"job": "job", "workflow": "workflow", "crawler": "crawler", "trigger": "trigger"}


def tags_of(definition: JSON) -> dict[str, str]:
    return dict(definition.get("_tags") or {})


def _tagged(definitions: list[JSON], wanted: dict[str, str] | None) -> list[str]:
    """Names of the definitions carrying every wanted tag (all names without a filter)."""
    return [d["Name"] for d in definitions if not wanted or wanted.items() <= tags_of(d).items()]


def _names_page(rt: LocalRuntime, kind: str, p: JSON, key: str, found: list[JSON] | None = None) -> JSON:
    return shapes.paged(key, _tagged(found if found is not None else rt.store.definitions(kind), p.get("Tags")), p)


@operation("ListJobs")
def _list_jobs(rt: LocalRuntime, p: JSON) -> JSON:
    return _names_page(rt, "job", p, "JobNames")


@operation("ListCrawlers")
def _list_crawlers(rt: LocalRuntime, p: JSON) -> JSON:
    return _names_page(rt, "crawler", p, "CrawlerNames")


@operation("ListTriggers")
def _list_triggers(rt: LocalRuntime, p: JSON) -> JSON:
    triggers = rt.store.definitions("trigger")
    if p.get("DependentJobName"):  # triggers that start this job
        job = p["DependentJobName"]
        triggers = [t for t in triggers if any(a.get("JobName") == job for a in t.get("Actions", []))]
    return _names_page(rt, "trigger", p, "TriggerNames", triggers)


def _batch(rt: LocalRuntime, kind: str, names: list[str]) -> tuple[list[JSON], list[str]]:
    found, missing = [], []
    for name in dict.fromkeys(names):  # Glue answers a repeated name once
        definition = rt.store.definition(kind, name)
        if definition is None:
            missing.append(name)
        else:
            found.append(definition)
    return found, missing


@operation("BatchGetJobs")
def _batch_get_jobs(rt: LocalRuntime, p: JSON) -> JSON:
    jobs, missing = _batch(rt, "job", p["JobNames"])
    return {"Jobs": [public(j) for j in jobs], "JobsNotFound": missing}


@operation("BatchGetCrawlers")
def _batch_get_crawlers(rt: LocalRuntime, p: JSON) -> JSON:
    crawlers, missing = _batch(rt, "crawler", p["CrawlerNames"])
    return {"Crawlers": [shapes.crawler_shape(rt.store, c) for c in crawlers], "CrawlersNotFound": missing}


@operation("BatchGetTriggers")
def _batch_get_triggers(rt: LocalRuntime, p: JSON) -> JSON:
    triggers, missing = _batch(rt, "trigger", p["TriggerNames"])
    return {"Triggers": [public(t) for t in triggers], "TriggersNotFound": missing}


@operation("BatchGetWorkflows")
def _batch_get_workflows(rt: LocalRuntime, p: JSON) -> JSON:
    """Each workflow as GetWorkflow returns it (LastRun, and the Graph when IncludeGraph)."""
    found, missing = _batch(rt, "workflow", p["Names"])
    include = {"IncludeGraph": bool(p.get("IncludeGraph"))}
    workflows = [rt.call("GetWorkflow", {"Name": w["Name"], **include})["Workflow"] for w in found]
    return {"Workflows": workflows, "MissingWorkflows": missing}


@operation("GetTags")
def _get_tags(rt: LocalRuntime, p: JSON) -> JSON:
    match = _ARN.match(p["ResourceArn"])
    if match is None:
        raise errors.invalid_input(f"{p['ResourceArn']} is not a Glue resource ARN")
    kind, name = match["kind"], match["name"]
    if kind in _TAGGED_KINDS:
        definition = rt.store.definition(_TAGGED_KINDS[kind], name)
        if definition is not None:
            return {"Tags": tags_of(definition)}
    elif kind == "database" and rt.store.database(name) is not None:
        return {"Tags": _deployment_tags(rt)}
    elif kind == "table" and "/" in name and rt.store.table(*name.split("/", 1)) is not None:
        return {"Tags": {}}  # crawlers create tables untagged
    raise errors.not_found(f"Resource not found: {p['ResourceArn']}")


def _deployment_tags(rt: LocalRuntime) -> dict[str, str]:
    """Databases carry the deployment's tags, as Terraform tags them: a workflow's without its pipeline tag."""
    workflows = rt.store.definitions("workflow")
    tags = tags_of(workflows[0]) if workflows else {}
    tags.pop("glueflow:pipeline", None)
    return tags


@operation("GetTableVersions")
def _get_table_versions(rt: LocalRuntime, p: JSON) -> JSON:
    """Every version the catalog kept of the table, newest first (a crawl that changes the table adds one)."""
    if rt.store.database(p["DatabaseName"]) is None:
        raise errors.not_found(f"Database {p['DatabaseName']} not found.")
    if rt.store.table(p["DatabaseName"], p["TableName"]) is None:
        raise errors.not_found(f"Table {p['TableName']} not found.")
    versions = rt.store.table_versions(p["DatabaseName"], p["TableName"])
    return shapes.paged("TableVersions", versions, p, shape=lambda v: {"Table": v, "VersionId": v["VersionId"]})


# --- SearchTables ---------------------------------------------------------------------------------------------

_TOKEN_SPLIT = re.compile(r"[-_:#/.,\s]+")


def _tokens(text: str) -> set[str]:
    return {t for t in _TOKEN_SPLIT.split(text.lower()) if t}


def _searchable_text(table: JSON) -> list[str]:
    descriptor = table.get("StorageDescriptor") or {}
    columns = [*descriptor.get("Columns", []), *table.get("PartitionKeys", [])]
    return [
        table["Name"],
        table["DatabaseName"],
        table.get("Description", ""),
        *(c["Name"] for c in columns),
        *(c.get("Comment", "") for c in columns),
        *(str(v) for v in (table.get("Parameters") or {}).values()),
    ]


def _matches_text(table: JSON, search: str) -> bool:
    """Quoted text matches a whole value exactly; otherwise every word must be a token of some searched value."""
    values = _searchable_text(table)
    if len(search) >= 2 and search[0] == search[-1] == '"':
        exact = search[1:-1].lower()
        return any(v.lower() == exact for v in values)
    tokens = set().union(*(_tokens(v) for v in values))
    return _tokens(search) <= tokens


def _matches_filter(table: JSON, predicate: JSON) -> bool:
    """Key=Name/DatabaseName/Description/TableType/Owner… : token match for text (as Glue's fuzzy match splits on
    punctuation); a Comparator compares the time fields (CreateTime, UpdateTime, LastAccessTime) as epoch seconds."""
    key, value = predicate.get("Key", ""), predicate.get("Value", "")
    actual = table.get(key, (table.get("Parameters") or {}).get(key))
    if actual is None:
        return False
    comparator = predicate.get("Comparator")
    if comparator and comparator != "EQUALS" and isinstance(actual, int | float):
        wanted = float(value)
        return {
            "GREATER_THAN": actual > wanted,
            "LESS_THAN": actual < wanted,
            "GREATER_THAN_EQUALS": actual >= wanted,
            "LESS_THAN_EQUALS": actual <= wanted,
        }[comparator]
    if isinstance(actual, int | float):
        return float(actual) == float(value)
    return str(value).lower() in _tokens(str(actual)) or str(actual).lower() == str(value).lower()


@operation("SearchTables")
def _search_tables(rt: LocalRuntime, p: JSON) -> JSON:
    tables = [t for d in rt.store.databases() for t in rt.store.tables(d["Name"])]
    if p.get("SearchText"):
        tables = [t for t in tables if _matches_text(t, p["SearchText"])]
    for predicate in p.get("Filters", []):
        tables = [t for t in tables if _matches_filter(t, predicate)]
    for criterion in reversed(p.get("SortCriteria", [])):
        field = criterion.get("FieldName", "Name")
        tables.sort(key=lambda t, f=field: str(t.get(f, "")), reverse=criterion.get("Sort") == "DESC")
    return shapes.paged("TableList", tables, p)
