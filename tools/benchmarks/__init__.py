"""glueflow's benchmarks (`make bench`): development tooling, not part of the installed `glueflow` package.

- `pipelines`: the reference pipelines end to end, the edit-and-run loop, CLI import time, and sales_analytics at
  1M rows against a plain-PySpark floor and DuckDB writing the same outputs (`python -m benchmarks`);
- `duckdb_reference`: hand-written DuckDB queries computing the pipelines' outputs (also the goldens' source);
- `job_start`: the job runner's design choices (`python -m benchmarks.job_start`).
"""
