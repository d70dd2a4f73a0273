"""``python -m labelstation`` runs the command line."""

import sys

from labelstation.cli import main

sys.exit(main())
