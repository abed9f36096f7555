"""`python -m simspace` runs the CLI."""

from __future__ import annotations

import sys

from simspace.cli.main import main

sys.exit(main())
