"""Setting up the queue: service groups, kiosks (and their keys) and call displays."""

import secrets

from django.db import transaction
from django_scopes import scope

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.catalog.models import Service
from schalter.offices.models import Office
from schalter.tokens import token_hash
from schalter.visits.capabilities import kiosk_key_new
from schalter.visits.models import Kiosk, Screen, ServiceGroup


def service_group_create(
    *,
    office: Office,
    name: dict[str, str],
    prefix: str,
    services: list[Service],
    walk_ins_allowed: bool = True,
    daily_walk_in_quota: int = 0,
    waiting_zone: dict[str, str] | None = None,
    notify_when_ahead: int = 3,
    position: int = 0,
    acting_user: Actor,
) -> ServiceGroup:
    return service_group_update(
        group=ServiceGroup(office=office),
        name=name,
        prefix=prefix,
        services=services,
        walk_ins_allowed=walk_ins_allowed,
        daily_walk_in_quota=daily_walk_in_quota,
        waiting_zone=waiting_zone or {},
        notify_when_ahead=notify_when_ahead,
        position=position,
        acting_user=acting_user,
    )


@transaction.atomic
def service_group_update(
    *,
    group: ServiceGroup,
    name: dict[str, str],
    prefix: str,
    services: list[Service],
    walk_ins_allowed: bool,
    daily_walk_in_quota: int,
    waiting_zone: dict[str, str],
    notify_when_ahead: int,
    position: int,
    acting_user: Actor,
) -> ServiceGroup:
    """Save a group, new or changed. Tickets issued today keep their codes; new ones take the
    new prefix."""
    office = group.office
    created = group.pk is None
    with scope(office=office):
        group.name, group.prefix = name, prefix.upper()
        group.walk_ins_allowed, group.daily_walk_in_quota = walk_ins_allowed, daily_walk_in_quota
        group.waiting_zone, group.notify_when_ahead = waiting_zone, notify_when_ahead
        group.position = position
        group.full_clean()
        group.save()
        group.services.set(services)
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.group.created" if created else "visits.group.updated",
        target=group,
        data={"prefix": group.prefix, "services": [s.pk for s in services]},
    )
    return group


@transaction.atomic
def kiosk_update(*, kiosk: Kiosk, name: str, active: bool, acting_user: Actor) -> Kiosk:
    """Rename a kiosk or take it out of use (its key then unlocks nothing)."""
    with scope(office=kiosk.office):
        kiosk.name, kiosk.active = name, active
        kiosk.full_clean()
        kiosk.save()
    audit_record(
        office=kiosk.office,
        acting_user=acting_user,
        action="visits.kiosk.updated",
        target=kiosk,
        data={"active": active},
    )
    return kiosk


@transaction.atomic
def kiosk_create(
    *, office: Office, name: str, public_id: str = "", acting_user: Actor
) -> tuple[Kiosk, str]:
    """A kiosk and its key: random, stored only as its hash, so the caller shows it once
    (afterwards only `kiosk_key_renew` makes a new one)."""
    public_id = public_id or secrets.token_urlsafe(9).lower().replace("_", "-")
    key = kiosk_key_new()
    with scope(office=office):
        kiosk = Kiosk.objects.create(
            office=office, name=name, public_id=public_id, key_hash=token_hash(key)
        )
    audit_record(
        office=office, acting_user=acting_user, action="visits.kiosk.created", target=kiosk
    )
    return kiosk, key


def screen_create(
    *,
    office: Office,
    name: str,
    public_id: str = "",
    groups: list[ServiceGroup] | None = None,
    floors: list[int] | None = None,
    active: bool = True,
    acting_user: Actor,
) -> Screen:
    """A call display; with groups, it shows only those (a waiting zone); with floors, only
    calls to desks on those floors."""
    public_id = public_id or secrets.token_urlsafe(9).lower().replace("_", "-")
    with scope(office=office):
        screen = Screen(
            office=office,
            name=name,
            public_id=public_id,
            groups=[g.pk for g in groups or [] if g.office_id == office.pk],
            floors=sorted({int(f) for f in floors or []}),
            active=active,
        )
        screen.full_clean()
        screen.save()
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.screen.created",
        target=screen,
        data={"groups": screen.groups, "floors": screen.floors},
    )
    return screen


@transaction.atomic
def screen_update(
    *,
    screen: Screen,
    name: str,
    groups: list[ServiceGroup],
    floors: list[int],
    active: bool = True,
    acting_user: Actor,
) -> Screen:
    """Change what a display shows. Its polling sees the change at once; a connected WebSocket
    keeps filtering by what the screen showed when it connected, until it reconnects."""
    office = screen.office
    before = {"name": screen.name, "groups": screen.groups, "floors": screen.floors}
    with scope(office=office):
        screen.name = name
        screen.groups = [g.pk for g in groups if g.office_id == office.pk]
        screen.floors = sorted({int(f) for f in floors})
        screen.active = active
        screen.full_clean()
        screen.save()
    audit_record(
        office=office,
        acting_user=acting_user,
        action="visits.screen.updated",
        target=screen,
        data={
            "before": before,
            "after": {"name": screen.name, "groups": screen.groups, "floors": screen.floors},
            "active": active,
        },
    )
    return screen


@transaction.atomic
def kiosk_key_renew(*, kiosk: Kiosk, acting_user: Actor) -> str:
    """A new key for a kiosk (its link was lost or seen by the wrong people): the old key
    unlocks nothing any more, and browsers it unlocked are locked until they open the new
    link. Returns the new key."""
    with scope(office=kiosk.office):
        locked = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        locked.key_version += 1
        key = kiosk_key_new()
        locked.key_hash = token_hash(key)
        locked.save(update_fields=["key_version", "key_hash"])
    kiosk.key_version, kiosk.key_hash = locked.key_version, locked.key_hash
    audit_record(
        office=kiosk.office,
        acting_user=acting_user,
        action="visits.kiosk.key_renewed",
        target=kiosk,
        data={"version": kiosk.key_version},
    )
    return key
