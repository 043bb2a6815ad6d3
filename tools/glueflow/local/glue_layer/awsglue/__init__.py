"""glueflow's local implementation of the `awsglue` API over PySpark DataFrames (see docs/awsglue.md).

Written for glueflow from AWS's public documentation; no AWS code is copied. On AWS Glue this package is never
used: Glue's own `awsglue` is on the path there.
"""

from awsglue.dynamicframe import DynamicFrame

__all__ = ["DynamicFrame"]
