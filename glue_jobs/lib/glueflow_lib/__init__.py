"""glueflow's job library: one API for job scripts on AWS Glue and on the local runtime.

Shipped to Glue as a zip via `--extra-py-files`; on the local runtime the same zip is on the PYTHONPATH.
"""
