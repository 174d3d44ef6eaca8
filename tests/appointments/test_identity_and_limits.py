"""Who a booking belongs to (normalised e-mail and phone), and the atomic rate limits."""

from datetime import UTC, datetime, timedelta

import phonenumbers
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from schalter.appointments.errors import InvalidContact, RateLimited
from schalter.appointments.identity import normalise_email, normalise_phone
from schalter.appointments.models import RateLimit
from schalter.appointments.ratelimit import hit

# normalise_email

ATOM = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=12)
local_parts = st.lists(ATOM, min_size=1, max_size=3).map(".".join)
domains = st.sampled_from(
    ["example.com", "posteo.de", "web.de", "gmail.com", "googlemail.com", "xn--bcher-kva.de"]
)
# What may follow the `+`: empty, or dot-separated atoms that may hold further `+`.
tags = st.one_of(
    st.just(""),
    st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789-_+", min_size=1, max_size=6), max_size=3)
    .filter(bool)
    .map(".".join),
)


@given(st.emails())
@example("+tag@example.com")
@example("a.+tag@example.com")
@example("a+b+c@gmail.com")
@example('"john+doe"@example.com')
def test_normalising_twice_changes_nothing(address):
    normalised = normalise_email(address)
    assert normalise_email(normalised) == normalised


@given(st.emails())
@example("+tag@example.com")
def test_a_normalised_address_is_still_a_valid_address(address):
    from django.core.validators import validate_email

    validate_email(normalise_email(address))


@given(local=local_parts, domain=domains, tag=tags)
def test_a_plus_tag_does_not_make_a_new_person(local, domain, tag):
    assert normalise_email(f"{local}+{tag}@{domain}") == normalise_email(f"{local}@{domain}")


@given(local=local_parts, domain=domains, data=st.data())
def test_case_does_not_make_a_new_person(local, domain, data):
    address = f"{local}@{domain}"
    flips = data.draw(st.lists(st.booleans(), min_size=len(address), max_size=len(address)))
    shouted = "".join(c.upper() if flip else c for c, flip in zip(address, flips, strict=True))
    assert normalise_email(shouted) == normalise_email(address) == normalise_email(address.upper())


@given(local=local_parts, data=st.data())
def test_dots_in_a_gmail_address_do_not_make_a_new_person(local, data):
    letters = local.replace(".", "")
    dotted = data.draw(st.sampled_from([local, letters, ".".join(letters)]))
    domain = data.draw(st.sampled_from(["gmail.com", "googlemail.com", "GMail.com"]))
    assert normalise_email(f"{dotted}@{domain}") == f"{letters}@gmail.com"


@given(local=local_parts)
def test_dots_count_at_providers_that_do_not_ignore_them(local):
    assume("." in local)
    assert normalise_email(f"{local}@example.com") == f"{local}@example.com"
    assert normalise_email(f"{local}@example.com") != normalise_email(
        f"{local.replace('.', '')}@example.com"
    )


def test_spelling_variants_of_one_address_are_one_person():
    variants = [
        "Jane.Doe@gmail.com",
        "janedoe@gmail.com",
        " j.a.n.e.d.o.e+appointments@GoogleMail.com ",
        "JANEDOE+x+y@GMAIL.COM",
    ]
    assert {normalise_email(v) for v in variants} == {"janedoe@gmail.com"}
    assert normalise_email("Jane.Doe+abh@Posteo.de") == "jane.doe@posteo.de"


def test_different_people_stay_different():
    assert normalise_email("jane@example.com") != normalise_email("jane@example.org")
    assert normalise_email("jane.doe@example.com") != normalise_email("janedoe@example.com")
    assert normalise_email("+a@example.com") != normalise_email("+b@example.com")


def test_an_empty_address_is_no_address():
    assert normalise_email("") == ""
    assert normalise_email("   ") == ""


@pytest.mark.parametrize(
    "address",
    [
        "jane",
        "jane@",
        "@example.com",
        "jane@@example.com",
        "jane doe@example.com",
        "jane@example",
        "jane@exa mple.com",
        "jane.@example.com",
        ".jane@example.com",
        "ja..ne@example.com",
        "jane@exam\nple.com",
        "jane@example.com<script>",
        "جين@",
        "a" * 330 + "@example.com",
    ],
)
def test_an_invalid_address_is_refused(address):
    with pytest.raises(InvalidContact) as refused:
        normalise_email(address)
    assert refused.value.field == "email"
    assert refused.value.status == 422


@given(st.text(max_size=40))
def test_anything_is_either_refused_or_normalised_stably(text):
    try:
        normalised = normalise_email(text)
    except InvalidContact:
        return
    assert normalised == "" or normalise_email(normalised) == normalised


# normalise_phone

# German mobile networks (015x, 016x, 017x) and some landline area codes.
prefixes = st.sampled_from(["151", "152", "157", "160", "162", "170", "171", "176", "641", "30"])


@st.composite
def german_numbers(draw):
    prefix = draw(prefixes)
    subscriber = draw(st.text("0123456789", min_size=4, max_size=9))
    number = phonenumbers.parse(f"+49{prefix}{subscriber}")
    assume(phonenumbers.is_valid_number(number))
    return prefix, subscriber


@given(number=german_numbers(), data=st.data())
def test_every_german_way_of_writing_a_number_gives_the_same_e164(number, data):
    prefix, subscriber = number
    half = len(subscriber) // 2
    written = data.draw(
        st.sampled_from(
            [
                f"0{prefix}{subscriber}",
                f"0{prefix} {subscriber}",
                f"0{prefix}/{subscriber[:half]} {subscriber[half:]}",
                f"(0{prefix}) {subscriber[:half]}-{subscriber[half:]}",
                f"+49 {prefix} {subscriber}",
                f"+49 (0){prefix} {subscriber}",
                f"0049 {prefix} {subscriber}",
                f"+49-{prefix}-{subscriber}",
                f"  +49{prefix}{subscriber}  ",
            ]
        )
    )
    e164 = normalise_phone(written)
    assert e164 == f"+49{prefix}{subscriber}"
    assert normalise_phone(e164) == e164


@given(number=german_numbers())
def test_an_e164_number_is_the_same_number_from_any_region(number):
    prefix, subscriber = number
    e164 = f"+49{prefix}{subscriber}"
    assert normalise_phone(e164, region="FR") == normalise_phone(e164) == e164


def test_foreign_numbers_keep_their_country():
    assert normalise_phone("+33 6 12 34 56 78") == "+33612345678"
    assert normalise_phone("+90 532 123 45 67") == "+905321234567"
    assert normalise_phone("0612345678", region="FR") == "+33612345678"


def test_an_empty_number_is_no_number():
    assert normalise_phone("") == ""
    assert normalise_phone("  ") == ""


@pytest.mark.parametrize(
    "phone",
    ["12", "0151", "abc", "+49 123", "0000 000000", "+999 1234567", "01512345678901234", "+", "--"],
)
def test_an_invalid_number_is_refused(phone):
    with pytest.raises(InvalidContact) as refused:
        normalise_phone(phone)
    assert refused.value.field == "phone"


@given(st.text(max_size=30))
def test_any_text_is_refused_or_becomes_e164(text):
    try:
        e164 = normalise_phone(text)
    except InvalidContact:
        return
    if e164:
        assert e164.startswith("+")
        assert e164[1:].isdigit()
        assert normalise_phone(e164) == e164


# rate limits

NOON = datetime(2027, 6, 7, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_hits_are_counted_and_refused_above_the_limit():
    counts = [hit("ip:192.0.2.1", limit=3, window_seconds=60, now=NOON) for _ in range(3)]
    assert counts == [1, 2, 3]
    with pytest.raises(RateLimited) as refused:
        hit("ip:192.0.2.1", limit=3, window_seconds=60, now=NOON + timedelta(seconds=30))
    assert refused.value.status == 429
    # A refused hit still counts: hammering does not reopen the window.
    with pytest.raises(RateLimited):
        hit("ip:192.0.2.1", limit=3, window_seconds=60, now=NOON)
    assert RateLimit.objects.get(key="ip:192.0.2.1").count == 5


@pytest.mark.django_db
def test_a_new_window_starts_from_zero():
    for _ in range(2):
        hit("email:jane@example.com", limit=2, window_seconds=60, now=NOON)
    with pytest.raises(RateLimited):
        hit("email:jane@example.com", limit=2, window_seconds=60, now=NOON + timedelta(seconds=59))
    assert (
        hit("email:jane@example.com", limit=2, window_seconds=60, now=NOON + timedelta(seconds=60))
        == 1
    )
    assert RateLimit.objects.filter(key="email:jane@example.com").count() == 2


@pytest.mark.django_db
def test_keys_are_independent():
    for _ in range(2):
        hit("ip:192.0.2.1", limit=2, window_seconds=3600, now=NOON)
    assert hit("ip:192.0.2.2", limit=2, window_seconds=3600, now=NOON) == 1
    assert hit("email:a@example.com", limit=2, window_seconds=3600, now=NOON) == 1
    with pytest.raises(RateLimited):
        hit("ip:192.0.2.1", limit=2, window_seconds=3600, now=NOON)


@pytest.mark.django_db
def test_windows_of_different_lengths_do_not_share_a_count():
    # The same key with an hourly and a daily limit: the hour rolls over, the day does not.
    hit("book:jane", limit=1, window_seconds=3600, now=NOON)
    assert hit("book:jane", limit=1, window_seconds=3600, now=NOON + timedelta(hours=1)) == 1
    assert hit("book:jane/day", limit=5, window_seconds=86400, now=NOON) == 1
    assert hit("book:jane/day", limit=5, window_seconds=86400, now=NOON + timedelta(hours=1)) == 2


@pytest.mark.django_db
def test_windows_are_aligned_whatever_the_zone_of_now():
    from zoneinfo import ZoneInfo

    berlin = NOON.astimezone(ZoneInfo("Europe/Berlin"))
    hit("ip:198.51.100.7", limit=2, window_seconds=60, now=NOON)
    assert hit("ip:198.51.100.7", limit=2, window_seconds=60, now=berlin) == 2


@pytest.mark.django_db
def test_very_long_keys_are_cut_not_refused():
    key = "ua:" + "x" * 500
    assert hit(key, limit=2, window_seconds=60, now=NOON) == 1
    assert hit(key, limit=2, window_seconds=60, now=NOON) == 2


@pytest.mark.django_db
def test_rate_limits_switched_off_count_nothing(settings):
    settings.SCHALTER_RATE_LIMITS = False
    for _ in range(5):
        assert hit("ip:192.0.2.1", limit=1, window_seconds=60, now=NOON) == 0
    assert not RateLimit.objects.exists()


@pytest.mark.django_db
def test_always_counts_even_with_rate_limits_switched_off(settings):
    settings.SCHALTER_RATE_LIMITS = False
    assert hit("challenge:abc", limit=1, window_seconds=60, now=NOON, always=True) == 1
    with pytest.raises(RateLimited):
        hit("challenge:abc", limit=1, window_seconds=60, now=NOON, always=True)
    assert RateLimit.objects.get(key="challenge:abc").count == 2


@pytest.mark.django_db
def test_always_counts_the_same_with_rate_limits_on(settings):
    settings.SCHALTER_RATE_LIMITS = True
    assert hit("challenge:abc", limit=1, window_seconds=60, now=NOON, always=True) == 1
    assert hit("other", limit=1, window_seconds=60, now=NOON) == 1
    with pytest.raises(RateLimited):
        hit("challenge:abc", limit=1, window_seconds=60, now=NOON, always=True)


# Property over the database: the stored counters equal a plain tally of the hits.
@pytest.mark.django_db
@given(
    hits=st.lists(
        st.tuples(st.sampled_from(["ip:a", "ip:b", "email:c"]), st.integers(0, 3 * 3600)),
        max_size=30,
    )
)
def test_counts_match_a_tally_of_hits_per_key_and_window(hits):
    from collections import Counter

    from django.db import transaction

    limit = 4
    tally: Counter = Counter()
    with transaction.atomic():
        for key, seconds in hits:
            now = NOON + timedelta(seconds=seconds)
            window = seconds // 600
            tally[key, window] += 1
            if tally[key, window] > limit:
                with pytest.raises(RateLimited):
                    hit(key, limit=limit, window_seconds=600, now=now)
            else:
                assert hit(key, limit=limit, window_seconds=600, now=now) == tally[key, window]
        stored = {
            (row.key, int((row.window_start - NOON).total_seconds()) // 600): row.count
            for row in RateLimit.objects.all()
        }
        assert stored == dict(tally)
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", "", "203.0.113.7"),  # no proxy
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # a client cannot claim another address
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),  # through our proxy
        ("10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own entry ignored
        ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),  # two proxies of ours
        ("10.0.0.2", "", "10.0.0.2"),  # a proxy that names nobody
    ],
)
def test_rate_limits_count_the_client_behind_a_trusted_proxy(settings, remote, forwarded, expected):
    from django.test import RequestFactory

    from schalter.appointments.ratelimit import client_address

    settings.SCHALTER_TRUSTED_PROXIES = ["10.0.0.2", "10.0.0.3"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
