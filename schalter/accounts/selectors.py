"""Reads about staff: which offices a user works for and what she may do there."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from schalter.accounts.models import (
    AccountLink,
    AuditEvent,
    Membership,
    SignInFailure,
    SignInLock,
    StaffProfile,
)
from schalter.accounts.roles import OFFICE_ROLES, Role, capabilities_of
from schalter.offices.models import Office
from schalter.tokens import token_hash


@dataclass(frozen=True)
class OfficeAccess:
    office: Office
    roles: frozenset[str]

    @cached_property
    def capabilities(self) -> frozenset[str]:
        # Worked out once per request: the guard, the menu and the page ask it many times.
        return frozenset().union(*(capabilities_of(role) for role in self.roles))

    def may(self, capability: str) -> bool:
        return capability in self.capabilities


def offices_of(*, user: User) -> list[Office]:
    """The offices she may open: a deactivated membership opens nothing."""
    return list(
        Office.objects.filter(memberships__user=user, memberships__active=True)
        .distinct()
        .order_by("slug")
    )


def is_ministry(*, user: User) -> bool:
    return Membership.objects.filter(user=user, role=Role.MINISTRY).exists()


def is_operator(*, user: User) -> bool:
    """Whether `user` runs the installation (the operator role, issue 13)."""
    return Membership.objects.filter(user=user, role=Role.OPERATOR).exists()


def office_access(*, user: User, office_slug: str) -> OfficeAccess:
    """The user's roles in an office; 404 alike for unknown offices, offices she is not in and
    offices where her membership is deactivated."""
    memberships = Membership.objects.filter(
        user=user, office__slug=office_slug, active=True
    ).select_related("office")
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
                role=Role.OFFICE_ADMIN,
                active=True,
                office__memberships__user=user,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


# --- staff managed by their office (issue 13) -------------------------------------------------


def capabilities_in(*, user: User, office: Office) -> frozenset[str]:
    """What `user` may do in `office` through her active memberships there."""
    roles = Membership.objects.filter(user=user, office=office, active=True).values_list(
        "role", flat=True
    )
    return frozenset().union(*(capabilities_of(role) for role in roles))


def active_admins_of(*, office: Office) -> list[int]:
    """The ids of the office's admins who can still open it."""
    return sorted(
        set(
            Membership.objects.filter(
                office=office, role=Role.OFFICE_ADMIN, active=True, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    )


def profile_get(*, user: User) -> StaffProfile | None:
    return StaffProfile.objects.filter(user=user).first()


def enrolment_required(*, user: User) -> bool:
    """Her second factor was reset and she has not enrolled a new one yet."""
    return StaffProfile.objects.filter(user=user, enrolment_required=True).exists()


def staff_language_of(*, user: User) -> str:
    """The language she chose for her staff pages and staff e-mails; empty: none chosen."""
    return StaffProfile.objects.filter(user=user).values_list("language", flat=True).first() or ""


def sign_in_locked_until(*, user: User, now: datetime) -> datetime | None:
    """The end of the latest lock of her name at any address, if one holds now."""
    return (
        SignInLock.objects.filter(name_key=sign_in_name_key(user.username), until__gt=now)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )


@dataclass(frozen=True)
class OfficeMember:
    """One person on an office's staff page: all her memberships there in one row."""

    pk: int  # of one of her memberships: the staff pages name her by it
    user: User
    roles: tuple[str, ...]  # in the order of OFFICE_ROLES
    active: bool
    spoken_languages: tuple[str, ...]
    last_login: datetime | None

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


def office_members(*, office: Office) -> list[OfficeMember]:
    """Everyone with a membership in `office`, active or not; two queries whatever the size."""
    memberships = list(
        Membership.objects.filter(office=office)
        .select_related("user", "user__staff_profile")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    )
    by_user: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    order: dict[str, int] = {str(role): index for index, role in enumerate(OFFICE_ROLES)}
    members = []
    for rows in by_user.values():
        user = rows[0].user
        members.append(
            OfficeMember(
                pk=rows[0].pk,
                user=user,
                roles=tuple(sorted((m.role for m in rows), key=lambda r: order.get(r, 99))),
                active=any(m.active for m in rows),
                spoken_languages=tuple(_spoken(user)),
                last_login=user.last_login,
            )
        )
    return members


def office_member(*, office: Office, user: User) -> OfficeMember:
    return next(m for m in office_members(office=office) if m.user.pk == user.pk)


def pending_invitations(*, office: Office, now: datetime) -> QuerySet[AccountLink]:
    """Invitations into `office` still open. Only what the admin typed: the address and roles."""
    return AccountLink.objects.filter(
        kind=AccountLink.Kind.INVITATION,
        office=office,
        used_at=None,
        withdrawn_at=None,
        expires_at__gt=now,
    ).order_by("-created_at")


def account_link_by_token(*, token: str) -> AccountLink | None:
    """The link a token opens, open or not (the caller tells them apart)."""
    if not token:
        return None
    return (
        AccountLink.objects.filter(token_hash=token_hash(token))
        .select_related("office", "user")
        .first()
    )


def members_speaking(*, office: Office, language: str) -> list[User]:
    """Active members of `office` who speak `language` (callbacks route by it)."""
    users = User.objects.filter(
        memberships__office=office, memberships__active=True, is_active=True
    ).distinct()
    return [user for user in users.select_related("staff_profile") if language in _spoken(user)]


def _spoken(user: User) -> list[str]:
    profile = getattr(user, "staff_profile", None)  # None: no profile yet
    return list(profile.spoken_languages) if profile else []
