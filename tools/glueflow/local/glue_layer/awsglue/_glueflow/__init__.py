"""Internals of glueflow's local awsglue layer (not part of the awsglue API)."""
