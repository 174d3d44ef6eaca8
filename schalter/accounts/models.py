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
    # A deactivated member keeps her roles but cannot open the office's pages until an admin
    # reactivates her (issue 13); all her memberships in one office change together.
    active = models.BooleanField(default=True)

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


class StaffProfile(models.Model):
    """What a staff member chose or is known for beyond her memberships (issue 13)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    # The language of her staff pages and staff e-mails; empty: the installation's (German).
    language = models.CharField(max_length=10, blank=True)
    # Languages she speaks with clients (codes, e.g. "ar", "apc"): callbacks route by them.
    spoken_languages = models.JSONField(default=list, blank=True)
    # Her second factor was reset: sign-in is refused until she enrols a new one through the
    # link she was sent (AccountLink, kind reset).
    enrolment_required = models.BooleanField(default=False)


class AccountLink(models.Model):
    """A single-use, short-lived link sent to a person (docs/staff-accounts.md): an invitation
    into an office, the enrolment of a new account (password and second factor), or the
    re-enrolment of a lost second factor. Only the token's hash is kept (schalter/tokens.py)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "invitation"
        ENROLMENT = "enrolment", "enrolment"
        RESET = "reset", "reset"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The hash of the token in the newest mail (a mail sent again carries a new token); empty
    # until the first is issued.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    email = models.EmailField(max_length=254, blank=True)
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="account_links",
    )
    roles = models.JSONField(default=list, blank=True)  # an invitation's roles in `office`
    language = models.CharField(max_length=10, blank=True)  # of the mail and the page
    # The account it is for: the one reset or enrolled, or the known account an invitation to
    # her address reaches (the inviting admin is not told).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="account_links",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The secret of the authenticator enrolled through this link, shown on its page.
    totp_key = models.CharField(max_length=80)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Replaced by a newer link of the same kind for the same person, or withdrawn by an admin.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]

    def open_at(self, now) -> bool:
        return self.used_at is None and self.withdrawn_at is None and now < self.expires_at
