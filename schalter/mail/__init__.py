"""E-mail that goes out exactly once: see services.py and docs/faults.md."""
