"""glueflow's custom checkov policies (loaded with `checkov --external-checks-dir tools/checkov_policies`).

Checkov imports every .py file here; each defines one check and registers it at import.
"""
