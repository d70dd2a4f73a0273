"""Use cases the UI and CLI call: each checks the caller's roles and writes the audit trail."""
