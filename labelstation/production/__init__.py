"""Products, serial pools, batches, print engine, verification and reconciliation."""
