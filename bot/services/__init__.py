"""Application services: one function per workflow action, each one transaction."""
