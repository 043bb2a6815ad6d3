"""Names shared by the offline workspace and the stand-in provider process (kept import-light for the provider)."""

# Comma-separated resource/data source types the stand-in serves (see offline.py); unset: every type.
TYPES_ENV = "GLUEFLOW_STANDIN_TYPES"
