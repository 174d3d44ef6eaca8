import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL's row locks; `make test` runs them there")
