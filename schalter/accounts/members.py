"""Writes for staff managed by their office (issue 13, docs/staff-accounts.md): invitations,
roles, languages, deactivation, second-factor resets and the links that carry them.

Two rules hold after every write here, checked under a lock of the office's row so that two
admins acting at once cannot both pass them:
- an office keeps at least one active admin (nobody is locked out of an office);
- nobody gives or takes a role whose capabilities she does not hold herself in that office.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from schalter.accounts import actions
from schalter.accounts.actors import Actor
from schalter.accounts.links import account_link_token_issue
from schalter.accounts.models import AccountLink, AuditEvent, Membership, StaffProfile
from schalter.accounts.roles import OFFICE_ROLES, Capability, Role, capabilities_of
from schalter.accounts.selectors import active_admins_of, capabilities_in
from schalter.accounts.services import audit_record
from schalter.accounts.tasks import account_link_mail_task
from schalter.errors import Refusal
from schalter.languages import LANGUAGE_CODES, OTHER_SPOKEN_LANGUAGES
from schalter.locks import bounded_lock_wait
from schalter.offices.models import Office
from schalter.tokens import token_hash

TOTP_DIGITS = 6


class MemberRefusal(Refusal):
    code = "staff_refused"


class NotAllowed(MemberRefusal):
    status = 403
    code = "staff_not_allowed"


class LinkInvalid(MemberRefusal):
    status = 404
    code = "link_invalid"
    message = _(
        "This link is not valid: it was used already, has expired or was replaced by a newer "
        "one. Ask your office admin for a new one."
    )


INVITATION_WITHDRAWN = _(
    "This invitation was withdrawn by the office. If you should still join, ask your office "
    "admin for a new invitation."
)

LAST_ADMIN = _("The office must keep at least one active admin. Make someone else admin first.")


def _lock_office(office: Office) -> None:
    """Member changes of one office run one after another (the last-admin rule reads them)."""
    bounded_lock_wait()
    Office.objects.select_for_update().filter(pk=office.pk).first()


def _keep_an_admin(office: Office) -> None:
    if not active_admins_of(office=office):
        raise MemberRefusal(LAST_ADMIN)


def _may_manage(office: Office, admin: User) -> frozenset[str]:
    held = capabilities_in(user=admin, office=office)
    if Capability.MANAGE_STAFF not in held:
        raise NotAllowed(_("Only an office admin may change staff."))
    return held


def _check_roles(roles: set[str], held: frozenset[str]) -> None:
    unknown = roles - set(OFFICE_ROLES)
    if unknown:
        raise MemberRefusal(_("This role does not exist in an office."), field="roles")
    for role in roles:
        if not capabilities_of(role) <= held:
            raise NotAllowed(
                _("You cannot give or take the role %(role)s: it has rights you do not have.")
                % {"role": Role(role).label},
                field="roles",
            )


# A language code: ISO 639 (two or three letters, e.g. "ar", "apc" for Levantine Arabic, "kmr"
# for Kurmanji) with optional subtags ("fa-af").
SPOKEN_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$")
SPOKEN_MAX = 20


def spoken_language_codes(raw: list[str]) -> list[str]:
    """The languages a person speaks, as codes: those of the site and the desk
    (schalter/languages.py) and any other well-formed ISO 639 code (dialects such as `apc`,
    `kmr`, `ckb`, `prs`). Refuses anything else, naming it."""
    codes: list[str] = []
    for item in raw:
        code = item.strip().lower().replace("_", "-")
        if not code:
            continue
        known = code in LANGUAGE_CODES or code in OTHER_SPOKEN_LANGUAGES
        if not (known or SPOKEN_CODE.match(code)):
            raise MemberRefusal(
                _("%(code)s is not a language code (for example ar, tr or apc).")
                % {"code": item.strip()[:20]},
                field="languages",
            )
        if code not in codes:
            codes.append(code)
    if len(codes) > SPOKEN_MAX:
        raise MemberRefusal(_("Name at most 20 languages."), field="languages")
    return codes


def profile_of(user: User) -> StaffProfile:
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    return profile


def _new_link(*, kind: str, now: datetime, hours: int, acting_user: Actor, **fields) -> AccountLink:
    return AccountLink.objects.create(
        kind=kind,
        created_by=acting_user if isinstance(acting_user, User) else None,
        totp_key=random_hex(20),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        **fields,
    )


def _replace_link(
    *, kind: str, user: User, now: datetime, hours: int, acting_user: Actor, **fields
) -> AccountLink:
    """A new link of `kind` for `user`; her older open ones of that kind stop working."""
    AccountLink.objects.filter(kind=kind, user=user, used_at=None, withdrawn_at=None).update(
        withdrawn_at=now
    )
    return _new_link(
        kind=kind,
        now=now,
        hours=hours,
        acting_user=acting_user,
        email=user.email,
        user=user,
        **fields,
    )


def _send(link: AccountLink) -> None:
    transaction.on_commit(lambda: account_link_mail_task.enqueue(link.pk))


# --- invitations --------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    office: Office,
    email: str,
    roles: set[str],
    language: str,
    acting_user: User,
    now: datetime,
) -> AccountLink:
    """Invite a person into `office` by e-mail. Whether the address belongs to an account
    already changes nothing the admin sees: the mail tells the person what to do."""
    held = _may_manage(office, acting_user)
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as problem:
        raise MemberRefusal(_("Enter a valid e-mail address."), field="email") from problem
    if not roles:
        raise MemberRefusal(_("Choose at least one role."), field="roles")
    _check_roles(roles, held)
    if language not in LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    existing = User.objects.filter(email__iexact=email).order_by("pk").first() or (
        User.objects.filter(username__iexact=email).order_by("pk").first()
    )
    # An earlier invitation of the same address into this office gives way to this one.
    AccountLink.objects.filter(
        kind=AccountLink.Kind.INVITATION,
        office=office,
        email__iexact=email,
        used_at=None,
        withdrawn_at=None,
    ).update(withdrawn_at=now)
    link = _new_link(
        kind=AccountLink.Kind.INVITATION,
        now=now,
        hours=settings.STAFF_INVITATION_HOURS,
        acting_user=acting_user,
        email=email,
        office=office,
        roles=sorted(roles),
        language=language,
        user=existing,
    )
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.INVITATION_SENT,
        target=link,
        data={"roles": sorted(roles)},
    )
    _send(link)
    return link


@transaction.atomic
def invitation_withdraw(
    *, office: Office, link_id: int, acting_user: User, now: datetime
) -> AccountLink:
    """An admin takes back an open invitation into `office`: its link stops working at once and
    whoever opens it is told it was withdrawn. An invitation already used, expired or replaced
    is not open any more and cannot be withdrawn (a 404, like another office's)."""
    _may_manage(office, acting_user)
    link = (
        AccountLink.objects.select_for_update()
        .filter(pk=link_id, office=office, kind=AccountLink.Kind.INVITATION)
        .first()
    )
    if link is None or not link.open_at(now):
        raise LinkInvalid
    link.withdrawn_at = now
    link.save(update_fields=["withdrawn_at"])
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.INVITATION_WITHDRAWN,
        target=link,
        data={"roles": link.roles},
    )
    return link


def link_closed_message(link: AccountLink | None) -> str:
    """What the person who opens a link that no longer works reads: an invitation an admin
    withdrew says so; any other closed link gets the general message."""
    if (
        link is not None
        and link.withdrawn_at is not None
        and link.kind == AccountLink.Kind.INVITATION
    ):
        withdrawn = AuditEvent.objects.filter(
            action=actions.INVITATION_WITHDRAWN,
            target_type=AccountLink._meta.label_lower,
            target_id=str(link.pk),
        ).exists()
        if withdrawn:
            return str(INVITATION_WITHDRAWN)
    return str(LinkInvalid.message)


def _open_link(token: str, kind: str, now: datetime) -> AccountLink:
    link = (
        AccountLink.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        if token
        else None
    )
    if link is None or link.kind != kind or not link.open_at(now):
        raise LinkInvalid
    return link


def _code_right(key: str, code: str) -> int | None:
    """The time step of a right code for the secret `key`, else None."""
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=TOTP_DIGITS)
    try:
        number = int(code)
    except ValueError:
        return None
    return totp.t() if totp.verify(number, tolerance=1) else None


def _enrol(user: User, link: AccountLink, code: str) -> None:
    """Replace every authenticator of `user` by the one of the link, confirmed by `code`."""
    step = _code_right(link.totp_key, code)
    if step is None:
        raise MemberRefusal(
            _("This code is not right. Check the time on your phone and try the newest code."),
            field="code",
        )
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(
        user=user, name="Authenticator", key=link.totp_key, confirmed=True, last_t=step
    )
    profile = profile_of(user)
    profile.enrolment_required = False
    profile.save(update_fields=["enrolment_required"])


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as problem:
        raise MemberRefusal(" ".join(problem.messages), field="password") from problem
    user.set_password(password)


def _join(link: AccountLink, user: User) -> None:
    """The invitation's roles in its office; an earlier deactivation there ends."""
    for role in link.roles:
        Membership.objects.get_or_create(user=user, office=link.office, role=role)
    Membership.objects.filter(user=user, office=link.office).update(active=True)


@transaction.atomic
def invitation_accept_new(
    *, token: str, full_name: str, password: str, code: str, now: datetime
) -> User:
    """A new person accepts: her account (the e-mail address is her user name), password,
    authenticator and roles, in one step. Nothing is created unless every part is right."""
    link = _open_link(token, AccountLink.Kind.INVITATION, now)
    if link.user_id or User.objects.filter(username__iexact=link.email).exists():
        raise MemberRefusal(_("An account with this address exists already: sign in first."))
    first, _space, last = full_name.strip().partition(" ")
    user = User(username=link.email.lower(), email=link.email, first_name=first, last_name=last)
    _set_password(user, password)
    user.save()
    StaffProfile.objects.create(user=user, language=link.language)
    _enrol(user, link, code)
    _join(link, user)
    link.used_at, link.user = now, user
    link.save(update_fields=["used_at", "user"])
    audit_record(office=None, acting_user=user, action=actions.USER_CREATED, target=user)
    audit_record(
        office=link.office,
        acting_user=user,
        action=actions.INVITATION_ACCEPTED,
        target=link,
        data={"roles": link.roles},
    )
    return user


@transaction.atomic
def invitation_accept_existing(*, token: str, user: User, now: datetime) -> AccountLink:
    """A person who has an account already, signed in as herself, joins the office."""
    link = _open_link(token, AccountLink.Kind.INVITATION, now)
    invited = link.user or User.objects.filter(username__iexact=link.email).first()
    if invited is None or invited.pk != user.pk:
        raise NotAllowed(_("This invitation is for another account."))
    _join(link, user)
    link.used_at, link.user = now, user
    link.save(update_fields=["used_at", "user"])
    audit_record(
        office=link.office,
        acting_user=user,
        action=actions.INVITATION_ACCEPTED,
        target=link,
        data={"roles": link.roles},
    )
    return link


# --- second factor and first enrolment ---------------------------------------------------------


@transaction.atomic
def second_factor_reset(*, office: Office, user: User, acting_user: User, now: datetime) -> None:
    """A lost authenticator: every device of `user` stops working at once, sign-in is refused
    until she enrols a new one through the link mailed to her."""
    _may_manage(office, acting_user)
    if not user.email:  # the link could reach nobody: she would be locked out for good
        raise MemberRefusal(
            _("%(name)s has no e-mail address, so no link can reach her. Nothing was reset.")
            % {"name": user.get_full_name() or user.username}
        )
    TOTPDevice.objects.filter(user=user).delete()
    profile = profile_of(user)
    profile.enrolment_required = True
    profile.save(update_fields=["enrolment_required"])
    link = _replace_link(
        kind=AccountLink.Kind.RESET,
        user=user,
        now=now,
        hours=settings.STAFF_RESET_HOURS,
        acting_user=acting_user,
        office=office,
        language=profile.language,
    )
    audit_record(
        office=office, acting_user=acting_user, action=actions.SECOND_FACTOR_RESET, target=user
    )
    _send(link)


@transaction.atomic
def second_factor_reenrol(*, token: str, code: str, now: datetime) -> User:
    link = _open_link(token, AccountLink.Kind.RESET, now)
    user = link.user
    if user is None:
        raise LinkInvalid
    _enrol(user, link, code)
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit_record(
        office=link.office, acting_user=user, action=actions.SECOND_FACTOR_REENROLLED, target=user
    )
    return user


@transaction.atomic
def account_enrol(*, token: str, password: str, code: str, now: datetime) -> User:
    """The first sign-in of an account made by a command: a password and an authenticator."""
    link = _open_link(token, AccountLink.Kind.ENROLMENT, now)
    user = link.user
    if user is None:
        raise LinkInvalid
    _set_password(user, password)
    user.save(update_fields=["password"])
    _enrol(user, link, code)
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit_record(office=None, acting_user=user, action=actions.ACCOUNT_ENROLLED, target=user)
    return user


@transaction.atomic
def operator_create(*, email: str, acting_user: Actor, now: datetime) -> tuple[User, str]:
    """The operator of the installation (or one more): her account, made or found by its
    address, the operator role, and a single-use link to set her password and enrol her
    authenticator. Returns the user and the link's token (printed once, stored hashed)."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as problem:
        raise MemberRefusal(_("Enter a valid e-mail address."), field="email") from problem
    user = User.objects.filter(email__iexact=email).order_by("pk").first() or (
        User.objects.filter(username__iexact=email).order_by("pk").first()
    )
    if user is None:
        user = User(username=email.lower(), email=email)
        user.set_unusable_password()
        user.save()
        audit_record(office=None, acting_user=acting_user, action=actions.USER_CREATED, target=user)
    membership, _created = Membership.objects.get_or_create(
        user=user, office=None, role=Role.OPERATOR
    )
    link = _replace_link(
        kind=AccountLink.Kind.ENROLMENT,
        user=user,
        now=now,
        hours=settings.STAFF_ENROLMENT_HOURS,
        acting_user=acting_user,
    )
    audit_record(
        office=None, acting_user=acting_user, action=actions.OPERATOR_CREATED, target=membership
    )
    return user, account_link_token_issue(link=link)


def enrolment_mail_send(*, user: User, acting_user: Actor, now: datetime) -> AccountLink:
    """Mail `user` (an account without a password yet, e.g. an office's first admin named by the
    operator) a single-use link to set her password and enrol her authenticator."""
    link = _replace_link(
        kind=AccountLink.Kind.ENROLMENT,
        user=user,
        now=now,
        hours=settings.STAFF_ENROLMENT_HOURS,
        acting_user=acting_user,
    )
    _send(link)
    return link


# --- roles, languages, deactivation ------------------------------------------------------------


def _memberships(office: Office, user: User):
    return Membership.objects.filter(office=office, user=user)


@transaction.atomic
def member_roles_set(*, office: Office, user: User, roles: set[str], acting_user: User) -> None:
    held = _may_manage(office, acting_user)
    _lock_office(office)
    current = set(_memberships(office, user).values_list("role", flat=True))
    if not current:
        raise LinkInvalid  # not a member here (the view answers 404 before)
    if not roles:
        raise MemberRefusal(
            _("Keep at least one role. To stop someone's access, deactivate her."), field="roles"
        )
    added, removed = roles - current, current - roles
    _check_roles(added | removed, held)
    active = _memberships(office, user).filter(active=True).exists()
    _memberships(office, user).filter(role__in=removed).delete()
    for role in added:
        Membership.objects.create(user=user, office=office, role=role, active=active)
    _keep_an_admin(office)
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.ROLES_CHANGED,
        target=user,
        data={"added": sorted(added), "removed": sorted(removed)},
    )


@transaction.atomic
def member_active_set(*, office: Office, user: User, active: bool, acting_user: User) -> None:
    """Deactivate (or reactivate) every membership of `user` in `office`; nothing else of hers
    changes, and her other offices are untouched."""
    held = _may_manage(office, acting_user)
    _lock_office(office)
    roles = set(_memberships(office, user).values_list("role", flat=True))
    _check_roles(roles, held)
    _memberships(office, user).update(active=active)
    _keep_an_admin(office)
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.MEMBER_REACTIVATED if active else actions.MEMBER_DEACTIVATED,
        target=user,
    )


@transaction.atomic
def member_languages_set(
    *, office: Office, user: User, languages: list[str], acting_user: User
) -> None:
    _may_manage(office, acting_user)
    codes = spoken_language_codes(languages)
    profile = profile_of(user)
    profile.spoken_languages = codes
    profile.save(update_fields=["spoken_languages"])
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.LANGUAGES_CHANGED,
        target=user,
        data={"languages": codes},
    )


@transaction.atomic
def staff_language_set(*, user: User, language: str) -> None:
    """The language of her own staff pages and staff e-mails."""
    if language not in LANGUAGE_CODES:
        raise MemberRefusal(_("This language is not available."), field="language")
    profile = profile_of(user)
    profile.language = language
    profile.save(update_fields=["language"])
    audit_record(
        office=None,
        acting_user=user,
        action=actions.STAFF_LANGUAGE_CHANGED,
        target=user,
        data={"language": language},
    )
