"""Fees: exemptions, half fees for minors, Decimal with two places, one rounding rule."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schalter.catalog.catalogue import CATALOGUE, FEE_EXEMPT_GROUPS, SERVICE_FEE_EXEMPTIONS
from schalter.catalog.fees import fee_for, round_money
from schalter.catalog.models import Service

GROUPS = [*FEE_EXEMPT_GROUPS, "unknown-group"]

# What Service.base_fee can hold: DecimalField(max_digits=8, decimal_places=2), not negative.
base_fees = st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2)
# Amounts typed or computed elsewhere may carry more places; the rounding still applies.
amounts = st.decimals(min_value=0, max_value=Decimal("999999.99"), places=4)


def two_places(amount: Decimal) -> bool:
    return isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


@given(
    base_fee=amounts,
    minors_half_fee=st.booleans(),
    exempt_groups=st.lists(st.sampled_from(GROUPS), unique=True),
    minor=st.booleans(),
    group=st.one_of(st.none(), st.sampled_from(GROUPS)),
)
def test_a_fee_is_a_non_negative_decimal_with_two_places_never_above_the_base(
    base_fee, minors_half_fee, exempt_groups, minor, group
):
    fee = fee_for(
        base_fee=base_fee,
        minors_half_fee=minors_half_fee,
        exempt_groups=exempt_groups,
        minor=minor,
        group=group,
    )
    assert type(fee) is Decimal
    assert two_places(fee)
    assert Decimal(0) <= fee <= round_money(base_fee)


@given(
    base_fee=amounts,
    minors_half_fee=st.booleans(),
    exempt_groups=st.lists(st.sampled_from(GROUPS), min_size=1, unique=True),
    minor=st.booleans(),
    data=st.data(),
)
def test_an_exempt_group_pays_nothing(base_fee, minors_half_fee, exempt_groups, minor, data):
    group = data.draw(st.sampled_from(exempt_groups))
    fee = fee_for(
        base_fee=base_fee,
        minors_half_fee=minors_half_fee,
        exempt_groups=exempt_groups,
        minor=minor,
        group=group,
    )
    assert fee == 0
    assert two_places(fee)


@given(
    base_fee=amounts,
    exempt_groups=st.lists(st.sampled_from(GROUPS), unique=True),
    group=st.one_of(st.none(), st.sampled_from(GROUPS)),
)
def test_a_minor_pays_half_only_where_the_rule_says_so(base_fee, exempt_groups, group):
    if group in exempt_groups:
        group = None
    adult = fee_for(
        base_fee=base_fee,
        minors_half_fee=True,
        exempt_groups=exempt_groups,
        minor=False,
        group=group,
    )
    halved = fee_for(
        base_fee=base_fee,
        minors_half_fee=True,
        exempt_groups=exempt_groups,
        minor=True,
        group=group,
    )
    full = fee_for(
        base_fee=base_fee,
        minors_half_fee=False,
        exempt_groups=exempt_groups,
        minor=True,
        group=group,
    )
    assert adult == full == round_money(base_fee)
    assert halved == round_money(base_fee / 2)
    # Half the fee, to the cent: two halves never differ from the whole by more than a cent.
    assert abs(halved * 2 - adult) <= Decimal("0.01")


@given(base_fee=base_fees)
def test_whole_cent_fees_are_kept_as_they_are(base_fee):
    assert fee_for(base_fee=base_fee, minors_half_fee=True, exempt_groups=[], minor=False) == (
        base_fee
    )


@pytest.mark.parametrize(
    ("base_fee", "minor_fee"),
    [
        ("100.00", "50.00"),
        ("0.01", "0.01"),  # half a cent rounds up, not to banker's zero
        ("0.03", "0.02"),
        ("28.75", "14.38"),
        ("93.00", "46.50"),
        ("0.00", "0.00"),
    ],
)
def test_half_fees_round_half_up_to_the_cent(base_fee, minor_fee):
    fee = fee_for(base_fee=Decimal(base_fee), minors_half_fee=True, exempt_groups=[], minor=True)
    assert fee == Decimal(minor_fee)
    assert str(fee) == minor_fee


def test_a_group_that_is_not_exempt_pays_the_normal_fee():
    fee = fee_for(
        base_fee=Decimal("100.00"),
        minors_half_fee=True,
        exempt_groups=["refugee"],
        minor=False,
        group="scholarship",
    )
    assert fee == Decimal("100.00")


@pytest.mark.django_db
def test_service_fee_reads_the_rule_stored_on_the_service():
    Service.objects.create(
        slug="settlement-permit",
        name={"de": "Niederlassungserlaubnis"},
        base_fee=Decimal("113.00"),
        minors_half_fee=True,
        exempt_groups=["refugee"],
    )
    service = Service.objects.get(slug="settlement-permit")  # as the database returns it
    assert service.fee() == Decimal("113.00")
    assert service.fee(minor=True) == Decimal("56.50")
    assert service.fee(group="refugee") == Decimal("0.00")
    assert service.fee(minor=True, group="refugee") == Decimal("0.00")
    assert service.fee(group="scholarship") == Decimal("113.00")
    assert all(
        two_places(fee)
        for fee in (service.fee(), service.fee(minor=True), service.fee(group="refugee"))
    )


@pytest.mark.django_db
def test_service_fee_without_a_half_fee_rule_charges_minors_in_full():
    Service.objects.create(
        slug="travel-document",
        name={"de": "Reiseausweis"},
        base_fee=Decimal("60.00"),
        minors_half_fee=False,
    )
    service = Service.objects.get(slug="travel-document")
    assert service.fee(minor=True) == service.fee() == Decimal("60.00")


@pytest.mark.django_db
def test_a_free_service_is_free_for_everyone():
    service = Service.objects.create(slug="card-pick-up-free", name={"de": "eAT-Abholung"})
    service.refresh_from_db()
    assert service.fee() == service.fee(minor=True) == Decimal("0.00")
    assert two_places(service.fee())


def test_every_catalogue_fee_is_valid_for_every_kind_of_person():
    slugs = {entry.slug for entry in CATALOGUE}
    for slug, groups in SERVICE_FEE_EXEMPTIONS.items():
        assert slug in slugs
        assert set(groups) <= set(FEE_EXEMPT_GROUPS)
    for entry in CATALOGUE:
        exempt = list(SERVICE_FEE_EXEMPTIONS.get(entry.slug, ()))
        for minor in (False, True):
            for group in (None, *FEE_EXEMPT_GROUPS):
                fee = fee_for(
                    base_fee=entry.base_fee,
                    minors_half_fee=True,
                    exempt_groups=exempt,
                    minor=minor,
                    group=group,
                )
                assert two_places(fee)
                assert Decimal(0) <= fee <= entry.base_fee
                assert (fee == 0) == (group in exempt or entry.base_fee == 0)
