"""`python -m benchmarks` (what `make bench` runs, with tools/ on the path)."""

from benchmarks.pipelines import main

raise SystemExit(main())
