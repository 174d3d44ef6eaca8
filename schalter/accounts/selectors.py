"""Reads about staff: which offices a user works for and what she may do there."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from schalter.accounts.models import AuditEvent, Membership
from schalter.accounts.roles import Role, capabilities_of
from schalter.offices.models import Office


@dataclass(frozen=True)
class OfficeAccess:
    office: Office
    roles: frozenset[str]

    @property
    def capabilities(self) -> frozenset[str]:
        return frozenset().union(*(capabilities_of(role) for role in self.roles))

    def may(self, capability: str) -> bool:
        return capability in self.capabilities


def offices_of(*, user: User) -> list[Office]:
    return list(Office.objects.filter(memberships__user=user).distinct().order_by("slug"))


def is_ministry(*, user: User) -> bool:
    return Membership.objects.filter(user=user, role=Role.MINISTRY).exists()


def office_access(*, user: User, office_slug: str) -> OfficeAccess:
    """The user's roles in an office; 404 alike for unknown offices and offices she is not in."""
    memberships = Membership.objects.filter(user=user, office__slug=office_slug).select_related(
        "office"
    )
    roles = frozenset(m.role for m in memberships)
    office = memberships[0].office if roles else None
    if office is None:
        raise Http404
    return OfficeAccess(office=office, roles=roles)


def audit_events(*, office: Office, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(office=office).select_related("actor")[:limit]


def members_of(*, office: Office) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(office=office)
        .select_related("user")
        .order_by("user__last_name", "user__username", "role")
    )
