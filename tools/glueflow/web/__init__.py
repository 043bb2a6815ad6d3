"""The read-only web console of the local runtime, served by `glueflow serve` next to the Glue API it reads."""
