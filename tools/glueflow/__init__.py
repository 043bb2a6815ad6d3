"""glueflow: AWS Glue ETL pipelines as code, with an embedded local Glue runtime."""

__version__ = "0.1.0"
