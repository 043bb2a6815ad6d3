terraform {
  # Provider-free on purpose: the graph logic runs in `terraform test` on any machine, with no downloads.
  required_version = ">= 1.10"
}
