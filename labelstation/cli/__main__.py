"""``python -m labelstation.cli`` runs the command line."""

import sys

from labelstation.cli import main

sys.exit(main())
