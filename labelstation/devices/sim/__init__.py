"""Device simulators: a virtual ZPL printer and a virtual scanner, reachable by URL."""
