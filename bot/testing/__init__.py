"""Test doubles shared by tests, benchmarks and the local sandbox."""
