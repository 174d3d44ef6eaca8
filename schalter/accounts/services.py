"""Writes for staff accounts: sign-in guard, memberships, audit rows."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from schalter.accounts.actors import Actor, SystemActor
from schalter.accounts.models import AuditEvent, LoginGuard, Membership
from schalter.offices.models import Office


def audit_record(
    *,
    office: Office | None,
    acting_user: Actor,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    actor = acting_user if isinstance(acting_user, User) and acting_user.is_authenticated else None
    return AuditEvent.objects.create(
        office=office,
        actor=actor,
        system_actor=acting_user.name if isinstance(acting_user, SystemActor) else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def login_guard_locked_until(*, user: User) -> datetime | None:
    guard = LoginGuard.objects.filter(user=user).first()
    if guard and guard.locked_until and guard.locked_until > timezone.now():
        return guard.locked_until
    return None


@transaction.atomic
def login_failure_record(*, user: User, step: str) -> datetime | None:
    """Count a wrong password or code; returns the lock's end once the limit is reached."""
    guard, _ = LoginGuard.objects.select_for_update().get_or_create(user=user)
    guard.failed_attempts += 1
    if guard.failed_attempts >= settings.STAFF_OTP_MAX_FAILURES:
        guard.locked_until = timezone.now() + timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)
        guard.failed_attempts = 0
    guard.save()
    audit_record(
        office=None,
        acting_user=AnonymousUser(),  # not signed in yet: recorded without an actor
        action=f"accounts.login.{step}_failed",
        target=user,
        data={"locked": guard.locked_until is not None},
    )
    return (
        guard.locked_until if guard.locked_until and guard.locked_until > timezone.now() else None
    )


@transaction.atomic
def login_success_record(*, user: User) -> None:
    LoginGuard.objects.filter(user=user).update(failed_attempts=0, locked_until=None)
    audit_record(office=None, acting_user=user, action="accounts.login.succeeded", target=user)


def totp_device_for(*, user: User, confirmed: bool | None = None) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-confirmed", "id").first()


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device for enrolment; confirmed by the first valid code."""
    device = totp_device_for(user=user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        office=None, acting_user=device.user, action="accounts.totp.enrolled", target=device.user
    )


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    password: str,
    acting_user: Actor,
    full_name: str = "",
    email: str = "",
) -> User:
    first, _, last = full_name.partition(" ")
    user = User.objects.create_user(
        username=username, password=password, email=email, first_name=first, last_name=last
    )
    audit_record(office=None, acting_user=acting_user, action="accounts.user.created", target=user)
    return user


@transaction.atomic
def membership_grant(
    *, user: User, office: Office | None, role: str, acting_user: Actor
) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, office=office, role=role)
    audit_record(
        office=office,
        acting_user=acting_user,
        action="accounts.membership.granted",
        target=membership,
        data={"user": user.username, "role": role},
    )
    return membership
