"""``python -m labelstation.ui`` (``make run``) starts the desktop application."""

import sys

from labelstation.ui.app import main

sys.exit(main())
