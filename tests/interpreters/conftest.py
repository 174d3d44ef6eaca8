from datetime import UTC, datetime, time
from decimal import Decimal

import pytest

from schalter.accounts.actors import COMMAND
from schalter.interpreters.services import availability_window_add, interpreter_create
from tests.conftest import build_office

# A Tuesday, well ahead: 2026-03-03 09:00 in Hesse is 08:00 UTC.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TUESDAY_9 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def make_interpreter(offices, *, name="Amina", languages=("prs",), modes=("on_site",), **kw):
    interpreter = interpreter_create(
        name=name,
        email=f"{name.lower()}@example.org",
        languages=list(languages),
        modes=list(modes),
        offices=offices,
        acting_user=COMMAND,
        **kw,
    )
    for weekday in range(7):
        availability_window_add(
            interpreter=interpreter,
            weekday=weekday,
            start=time(7),
            end=time(20),
            acting_user=COMMAND,
        )
    return interpreter


@pytest.fixture
def second_office(db):
    return build_office("hanau")


@pytest.fixture
def amina(office):
    return make_interpreter({office: Decimal(10)})
