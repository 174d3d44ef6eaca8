"""Counting for the hostile-input tests: every response a fuzz test gets passes through `tally`,
and the run ends with one line per database: inputs tried, 5xx seen (`make fuzz` prints them;
under xdist each worker hands its counts to the controller)."""

from collections import Counter

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection

TALLY: Counter = Counter()  # "<database>:inputs" and "<database>:5xx"


def tally(status: int) -> int:
    """Count one input and its answer; returns the status."""
    TALLY[f"{connection.vendor}:inputs"] += 1
    TALLY[f"{connection.vendor}:5xx"] += status >= 500
    return status


def pytest_sessionfinish(session):
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # an xdist worker: the controller prints
        output["fuzz_tally"] = dict(TALLY)


def pytest_testnodedown(node, error):
    TALLY.update(getattr(node, "workeroutput", {}).get("fuzz_tally", {}))


def pytest_terminal_summary(terminalreporter):
    for vendor in sorted({key.split(":")[0] for key in TALLY}):
        terminalreporter.write_line(
            f"fuzz on {vendor}: {TALLY[f'{vendor}:inputs']} inputs tried, "
            f"{TALLY[f'{vendor}:5xx']} answered 5xx"
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
