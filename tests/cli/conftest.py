"""The `served` fixture (a project with `glueflow serve`'s services running): tests/serve_fixtures.py."""

from serve_fixtures import served  # noqa: F401 - a fixture, registered by importing it here
