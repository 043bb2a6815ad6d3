"""The embedded Glue runtime: store, local S3, job runner, workflow engine, Glue-shaped API and endpoint.

See docs/architecture.md and docs/glue-semantics.md. Entry points: `LocalRuntime` (runtime.py),
`start_endpoint` (endpoint.py), `deploy`/`destroy` (provision.py).
"""
