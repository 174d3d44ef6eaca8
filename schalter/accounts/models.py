from django.conf import settings
from django.db import models

from schalter.accounts.roles import INSTALLATION_ROLES, Role, capabilities_of

INSTALLATION_ROLE_NAMES = sorted(INSTALLATION_ROLES)  # sorted: migrations stay stable


class Membership(models.Model):
    """A staff user's role in an office. The ministry and the operator belong to no office."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["office__slug", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "office", "role"], name="membership_unique"),
            # Exactly the installation-wide roles live outside an office.
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=INSTALLATION_ROLE_NAMES, office__isnull=True)
                    | (~models.Q(role__in=INSTALLATION_ROLE_NAMES) & models.Q(office__isnull=False))
                ),
                name="membership_office_iff_installation_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.office}"

    @property
    def capabilities(self) -> frozenset[str]:
        return capabilities_of(self.role)


class SignInFailure(models.Model):
    """One wrong password or code, by the name typed and the client address it came from.
    Known and unknown names are counted alike (the answer must not tell them apart), and only a
    hash of the name is kept: people type their password into the name field."""

    name_key = models.CharField(max_length=64)  # schalter.tokens.token_hash(name as typed)
    address = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["name_key", "address", "at"], name="signin_failure_pair"),
            models.Index(fields=["address", "at"], name="signin_failure_address"),
        ]


class SignInLock(models.Model):
    """Too many failures of one name from one address: that pair, and only that pair, is refused
    until `until`. The person herself, at another address, still signs in; an attacker cannot
    lock her out by failing on purpose."""

    name_key = models.CharField(max_length=64)
    address = models.CharField(max_length=64)
    until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["name_key", "address", "until"], name="signin_lock_pair")]


class SignInWatch(models.Model):
    """Failures for one name from any address in the current episode (a run of failures without
    a quiet pause), and whether her offices' admins were alerted in it."""

    name_key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    alerted_at = models.DateTimeField(null=True, blank=True)


class AuditEvent(models.Model):
    """Who did what to which record. Written by services in the same transaction as the change.
    Not scoped: many events (sign-in) belong to no office; `selectors.audit_events` filters."""

    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A named non-person actor ("scheduler", "client"; accounts/actors.py) where `actor` is empty.
    system_actor = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=80)  # dotted, e.g. "offices.desk.updated"
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
