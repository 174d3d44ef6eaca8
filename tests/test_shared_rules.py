"""The rules every app shares, each pinned once in its one home: capabilities stored as hashes,
bounded lock waits, "404 for missing or another office's object", the office's local date, and
booking codes as typed."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction
from django.http import Http404
from django_scopes import scopes_disabled

from schalter.appointments.codes import CODE_ALPHABET, CODE_LENGTH, code_new, code_normalise
from schalter.locks import LOCK_WAIT, bounded_lock_wait
from schalter.offices.localtime import local_date, local_midnight, local_time
from schalter.offices.models import Desk
from schalter.offices.selectors import owned_by
from schalter.tokens import token_hash, token_matches


def test_a_capability_is_stored_as_its_hash_and_matched_in_constant_time():
    stored = token_hash("secret-token")
    assert stored != "secret-token" and len(stored) == 64
    assert token_matches(stored, "secret-token")
    assert not token_matches(stored, "secret-token ")
    assert not token_matches("", "")  # a used or withdrawn capability opens nothing
    assert not token_matches(stored, "")


@pytest.mark.django_db
def test_a_lock_wait_is_bounded_inside_the_transaction():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "0"  # unbounded until a service asks
    with transaction.atomic():
        bounded_lock_wait()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW lock_timeout")
                assert cursor.fetchone()[0] == LOCK_WAIT


def test_an_office_object_is_404_when_missing_of_another_office_or_of_a_wrong_key(
    office, other_office
):
    with scopes_disabled():
        desk = Desk.objects.filter(office=office).first()
        theirs = Desk.objects.filter(office=other_office).first()
    assert owned_by(office, Desk, desk.pk) == desk
    assert owned_by(office, Desk, None, "location", number=desk.number).location is not None
    for pk in (theirs.pk, 10**9, "x", 2**70):
        with pytest.raises(Http404):
            owned_by(office, Desk, pk)


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (datetime(2026, 12, 6, 22, 59, tzinfo=UTC), date(2026, 12, 6)),  # 23:59 in winter
        (datetime(2026, 12, 6, 23, 0, tzinfo=UTC), date(2026, 12, 7)),  # midnight in winter
        (datetime(2026, 7, 6, 21, 59, tzinfo=UTC), date(2026, 7, 6)),  # 23:59 in summer
        (datetime(2026, 7, 6, 22, 0, tzinfo=UTC), date(2026, 7, 7)),  # midnight in summer
    ],
)
def test_the_offices_local_date_follows_its_zone(office, utc, day):
    assert local_date(office, utc) == day
    assert local_time(office, utc).date() == day
    assert (
        local_midnight(office, day)
        <= utc
        < local_midnight(office, day).replace(hour=23, minute=59, second=59, microsecond=999999)
    )


def test_a_booking_code_is_read_as_typed_spoken_or_copied():
    code = code_new()
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    spaced = f" {code[:4].lower()}-{code[4:]} "
    assert code_normalise(spaced) == code
    assert code_normalise(f"{code[:4]} {code[4:]}\n") == code
    assert len(code_normalise("A" * 10_000)) == 20  # long input is cut before it is read
