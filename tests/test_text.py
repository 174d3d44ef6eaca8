"""One rule for text a person types into a one-line field (schalter.text.one_line), applied by
the services: no bidirectional overrides, no control characters (a NUL byte made PostgreSQL
answer 500), no line breaks into the office's mails; ZWNJ and ZWJ kept inside words."""

import unicodedata

import pytest
from django_scopes import scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from schalter.appointments.models import Appointment
from schalter.text import BIDI_CONTROLS, one_line
from tests.api.test_booking_api import book, first_slot

NASTY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from([*sorted(BIDI_CONTROLS), "\x00", "\r", "\n", "\t", "\u200c", "\u200d"]),
    ),
    max_size=60,
)


@given(NASTY)
def test_a_one_line_text_keeps_no_control_and_no_override_and_is_stable(text):
    cleaned = one_line(text)
    assert not any(unicodedata.category(c) == "Cc" for c in cleaned)
    assert not set(cleaned) & BIDI_CONTROLS
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert one_line(cleaned) == cleaned
    assert cleaned.count("\u200c") == text.count("\u200c")  # ZWNJ kept (Persian, Dari)


def test_persian_spelling_survives_and_a_header_does_not():
    assert one_line("می\u200cخواهم") == "می\u200cخواهم"
    assert one_line("Ali\r\nBcc: all@example.org") == "Ali Bcc: all@example.org"
    assert one_line("\u202eevil\u202c name\x00") == "evil name"


@pytest.mark.django_db
def test_a_booking_name_is_cleaned_by_the_service_on_every_database(
    client, office, bookable, settings
):
    settings.SCHALTER_CAPTCHA = False
    slot = first_slot(client, office, bookable["short"])
    name = "Ayşe\u202e Yılmaz\r\nBcc: all@example.org\x00"
    response = book(client, office, bookable["short"], slot["start"], name=name)
    assert response.status_code == 201, response.content
    with scopes_disabled():
        stored = Appointment.objects.get(code=response.json()["code"]).name
    assert stored == "Ayşe Yılmaz Bcc: all@example.org"
