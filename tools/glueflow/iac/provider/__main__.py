"""`python -m glueflow.iac.provider aws|archive`: the stand-in provider (what the mirror's launcher runs)."""

import sys

from glueflow.iac.provider.server import main

sys.exit(main())
