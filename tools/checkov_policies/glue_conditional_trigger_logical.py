"""CKV_GLUEFLOW_2: every conditional Glue trigger states its predicate's `logical` (AND or ANY).

Glue defaults `logical` to AND when it is omitted; a fan-in written for "any branch succeeded" then silently waits
for all of them. Saying it explicitly makes the workflow graph reviewable.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _first(conf: dict[str, list[Any]], key: str) -> Any:
    values = conf.get(key)
    return values[0] if isinstance(values, list) and values else None


class GlueConditionalTriggerLogical(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every conditional Glue trigger sets predicate.logical",
            id="CKV_GLUEFLOW_2",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_glue_trigger",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        trigger_type = _first(conf, "type")
        predicate = _first(conf, "predicate")
        self.evaluated_keys = ["type", "predicate/[0]/logical"]
        if isinstance(trigger_type, str) and trigger_type.upper() in ("SCHEDULED", "ON_DEMAND", "EVENT"):
            return CheckResult.PASSED
        if not isinstance(predicate, dict):
            # A literal CONDITIONAL trigger without predicate is broken; an unresolved type may be any kind.
            return CheckResult.FAILED if trigger_type == "CONDITIONAL" else CheckResult.UNKNOWN
        return CheckResult.PASSED if _first(predicate, "logical") not in (None, "") else CheckResult.FAILED


check = GlueConditionalTriggerLogical()
