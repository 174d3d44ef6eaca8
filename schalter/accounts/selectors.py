"""Reads about staff: which offices a user works for and what she may do there."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from schalter.accounts.models import AuditEvent, Membership, SignInFailure, SignInLock
from schalter.accounts.roles import Role, capabilities_of
from schalter.offices.models import Office
from schalter.tokens import token_hash


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


def is_operator(*, user: User) -> bool:
    """Whether `user` runs the installation (the operator role, issue 13)."""
    return Membership.objects.filter(user=user, role=Role.OPERATOR).exists()


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


def sign_in_name_key(name: str) -> str:
    """What the sign-in guards keep of a name as typed: its hash (see SignInFailure)."""
    return token_hash(name)


@dataclass(frozen=True)
class SignInHold:
    """Why an attempt is refused before its password or code is checked."""

    # The end of the lock of this name at this address; None: the address itself is over its
    # limit of failures (for any name).
    until: datetime | None


def sign_in_hold(*, name: str, address: str, now: datetime) -> SignInHold | None:
    """The same reads for every name, known or not: the answer and its timing tell nothing."""
    window_start = now - timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)
    failures_here = SignInFailure.objects.filter(address=address, at__gt=window_start).count()
    if failures_here >= settings.STAFF_LOGIN_ADDRESS_MAX_FAILURES:
        return SignInHold(until=None)
    until = (
        SignInLock.objects.filter(name_key=sign_in_name_key(name), address=address, until__gt=now)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )
    return SignInHold(until=until) if until else None


def office_admin_emails_of(*, user: User) -> list[str]:
    """Where an alert about a staff member's account goes: the admins of her offices."""
    return sorted(
        set(
            Membership.objects.filter(
                role=Role.OFFICE_ADMIN, office__memberships__user=user, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
