"""Counting for the hostile-input tests: every response a fuzz test gets passes through
`tally`, and the run ends with one line per database: inputs tried, 5xx seen (`make fuzz`)."""

from collections import Counter

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection

TALLY: Counter = Counter()


def tally(status: int) -> int:
    """Count one input and its answer; returns the status."""
    TALLY[connection.vendor, "inputs"] += 1
    if status >= 500:
        TALLY[connection.vendor, "5xx"] += 1
    return status


def pytest_terminal_summary(terminalreporter):
    for vendor in sorted({vendor for vendor, _ in TALLY}):
        terminalreporter.write_line(
            f"fuzz on {vendor}: {TALLY[vendor, 'inputs']} inputs tried, "
            f"{TALLY[vendor, '5xx']} answered 5xx"
        )


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests sent straight to Django's WSGI handler (schemathesis' WSGI transport) run in the
    test's transaction, as the test client's do: Django would otherwise close the connection
    (and with it the test's transaction) when each request starts and ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
