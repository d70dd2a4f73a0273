"""Printer and scanner drivers over pyserial transports, and device simulators."""
