"""The office's offer of a service has one home (`appointments.selectors`): the rule
`offer_is_open` and its query form agree, and every way of finding an offer goes through them."""

import itertools

import pytest
from django.http import Http404

from schalter.accounts.actors import COMMAND
from schalter.appointments import selectors, services
from schalter.appointments.errors import ServiceNotOffered
from schalter.appointments.models import Channel
from schalter.appointments.services.booking import offer_bookable

CHANNELS = (Channel.ONLINE, Channel.STAFF, None)


@pytest.mark.parametrize(
    ("enabled", "online"), list(itertools.product((True, False), (True, False)))
)
def test_the_rule_and_its_query_agree_for_every_channel(office, bookable, enabled, online):
    service = bookable["long"]
    offered = services.office_service_set(
        office=office,
        service=service,
        duration_minutes=30,
        enabled=enabled,
        bookable_online=online,
        acting_user=COMMAND,
    )
    for channel in CHANNELS:
        open_by_rule = selectors.offer_is_open(offered, channel)
        assert open_by_rule == (enabled and (online or channel != Channel.ONLINE))
        by_id = selectors.offer_of(office, service_id=service.pk, channel=channel)
        by_slug = selectors.offer_of(office, service_slug=service.slug, channel=channel)
        listed = selectors.offered_services(office, online_only=channel == Channel.ONLINE)
        assert (by_id is not None) == (by_slug is not None) == open_by_rule
        if channel is not None:  # the list has the online and the "offered at all" forms
            assert (service in [o.service for o in listed]) == open_by_rule
        if open_by_rule:
            assert selectors.offer_get(office, service_slug=service.slug, channel=channel)
        else:
            with pytest.raises(Http404):
                selectors.offer_get(office, service_slug=service.slug, channel=channel)
        # The booking service applies the same rule to the offer it reads.
        if channel is not None:
            if open_by_rule:
                assert offer_bookable(office, service, channel).pk == offered.pk
            else:
                with pytest.raises(ServiceNotOffered):
                    offer_bookable(office, service, channel)


def test_another_offices_offer_is_not_found(office, other_office, bookable):
    service = bookable["long"]
    assert selectors.offer_of(other_office, service_slug=service.slug, channel=None) is None
    with pytest.raises(Http404):
        selectors.offer_get(other_office, service_slug=service.slug, channel=None)
    assert selectors.offer_of(office, service_slug="no-such-service") is None
