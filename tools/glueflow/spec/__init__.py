"""Pipeline and environment specs: YAML → validated pydantic models → one resolved Deployment."""

from glueflow.spec.deployment import Deployment, load_deployment

__all__ = ["Deployment", "load_deployment"]
