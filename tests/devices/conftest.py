"""Fixtures for the device tests (defined in devices_support, shared by every module here)."""

from devices_support import make_sim

__all__ = ["make_sim"]
