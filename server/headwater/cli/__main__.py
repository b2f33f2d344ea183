"""`python -m headwater.cli`: the same as the `headwater` command."""

import sys

from headwater.cli.main import main

sys.exit(main())
