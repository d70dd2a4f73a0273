"""HIBCC UDI: primary and secondary data, build and parse."""
