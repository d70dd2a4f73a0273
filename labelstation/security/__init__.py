"""Users, roles, passwords, electronic signatures and the tamper-evident audit trail."""
