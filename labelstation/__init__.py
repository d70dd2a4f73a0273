"""LabelStation: an open labeling workstation for regulated packaging lines.

Everything in this package except :mod:`labelstation.ui` is plain Python with no Qt, usable
headless and from the ``labelstation`` command.
"""

__version__ = "0.1.0"
APP_NAME = "LabelStation"
