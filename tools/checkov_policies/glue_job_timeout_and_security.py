"""CKV_GLUEFLOW_1: every Glue job sets an explicit timeout and a security configuration.

Checkov's CKV_AWS_195 covers the security configuration alone. Without `timeout` Glue applies 2,880 minutes
(48 hours; Glue 5.0 changed the default only for new console jobs), so a hung job burns DPUs for two days.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _first(conf: dict[str, list[Any]], key: str) -> Any:
    values = conf.get(key)
    return values[0] if isinstance(values, list) and values else None


class GlueJobTimeoutAndSecurityConfiguration(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every Glue job sets a timeout and a security configuration",
            id="CKV_GLUEFLOW_1",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_glue_job",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["timeout", "security_configuration"]
        timeout = _first(conf, "timeout")
        security_configuration = _first(conf, "security_configuration")
        if timeout in (None, "", 0) or security_configuration in (None, ""):
            return CheckResult.FAILED
        return CheckResult.PASSED


check = GlueJobTimeoutAndSecurityConfiguration()
