"""glueflow's job library: one API for job scripts on AWS Glue and on the local runtime.

Shipped to Glue as a zip via `--extra-py-files`; on the local runtime the same zip is on the PYTHONPATH.

Modules (import what you use; nothing here imports pyspark or awsglue at package import, so python-shell jobs
can use the Spark-free parts):

- `args`           resolved job arguments (the getResolvedOptions contract)
- `platform`       where the script runs: AWS Glue or the local runtime
- `context`        `job_run(...)`: Spark (+ GlueContext/Job on Glue), commit only on success
- `bookmarks`      the local runtime's bookmark state (on Glue, Glue keeps it)
- `sources`        catalog reads and bookmarked incremental reads
- `sinks`          partitioned Parquet writes with dynamic partition overwrite
- `quarantine`     typed parsing that routes bad rows, with a reason, to a quarantine prefix
- `dq`             the data-quality rule language, its evaluation and results table
- `run_properties` workflow run properties (Get/PutWorkflowRunProperties)
- `storage`        small-object I/O that works for s3:// and local paths
- `warehouse`      loads a table into the warehouse: Redshift on AWS, PostgreSQL locally

The library must also run on Glue python-shell jobs (Python 3.9): keep it free of 3.10+ syntax.
"""

__version__ = "1.0.0"
