"""Pipeline and environment specs: YAML → validated pydantic models → one resolved Deployment."""

import os

# glueflow uses no pydantic plugins, and looking for them when the models are built scans every installed
# distribution's entry points: ~25 ms of each command's start. So they are off while the spec models are built
# (as Typer does around its own adapters), and only then: job processes inherit the environment.
_chosen = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
try:
    from glueflow.spec.deployment import Deployment, load_deployment
finally:
    if _chosen is None:
        del os.environ["PYDANTIC_DISABLE_PLUGINS"]
    else:
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = _chosen

__all__ = ["Deployment", "load_deployment"]
