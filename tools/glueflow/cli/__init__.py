"""The glueflow command line: one module per command over the core library."""
