from django.conf import settings
from django.db import models

from schalter.accounts.roles import Role, capabilities_of


class Membership(models.Model):
    """A staff user's role in an office. Ministry members belong to no single office."""

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
            # Exactly the ministry role lives outside an office.
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.MINISTRY, office__isnull=True)
                    | (~models.Q(role=Role.MINISTRY) & models.Q(office__isnull=False))
                ),
                name="membership_office_iff_not_ministry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.office}"

    @property
    def capabilities(self) -> frozenset[str]:
        return capabilities_of(self.role)


class LoginGuard(models.Model):
    """Counts failed sign-in attempts (password or code); too many lock the account for a while."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_guard"
    )
    failed_attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)


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
