"""Writes for staff accounts: sign-in guard, memberships, audit rows."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from schalter.accounts import actions
from schalter.accounts.actors import Actor, SystemActor
from schalter.accounts.models import (
    AuditEvent,
    Membership,
    SignInFailure,
    SignInLock,
    SignInWatch,
)
from schalter.accounts.selectors import sign_in_name_key
from schalter.accounts.tasks import sign_in_alert_mail_task
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


@transaction.atomic
def sign_in_failure_record(*, name: str, address: str, step: str, now: datetime) -> datetime | None:
    """Count a wrong password or code of `name` (as typed, known or not) from `address`.
    Returns the end of the lock of this (name, address) pair once it has failed
    STAFF_OTP_MAX_FAILURES times within STAFF_LOCKOUT_MINUTES; other addresses stay open.
    Known and unknown names take the same path, so neither the answer nor its time tells them
    apart; only the alert to the admins (after the commit, in a task) needs a known name."""
    key = sign_in_name_key(name)
    lockout = timedelta(minutes=settings.STAFF_LOCKOUT_MINUTES)
    SignInFailure.objects.create(name_key=key, address=address, at=now)
    # Failures before the pair's last lock ended were paid for by that lock.
    last_lock_end = (
        SignInLock.objects.filter(name_key=key, address=address)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )
    since = max(now - lockout, last_lock_end) if last_lock_end else now - lockout
    failures = SignInFailure.objects.filter(name_key=key, address=address, at__gt=since).count()
    locked_until = None
    if failures >= settings.STAFF_OTP_MAX_FAILURES:
        locked_until = now + lockout
        SignInLock.objects.create(name_key=key, address=address, until=locked_until)
    user = User.objects.filter(username=name).first()
    audit_record(
        office=None,
        acting_user=AnonymousUser(),  # not signed in yet: recorded without an actor
        action=actions.FAILED_STEP[step],
        target=user,
        data={"locked": locked_until is not None},
    )
    if _watch_failure(key=key, now=now) and user is not None:
        _alert_admins(user=user, key=key, now=now)
    return locked_until


def _watch_failure(*, key: str, now: datetime) -> bool:
    """Count one failure for the name in its episode; True exactly once per episode, when the
    failures reach STAFF_LOGIN_ALERT_FAILURES. An episode ends after a quiet pause."""
    watch, _ = SignInWatch.objects.select_for_update().get_or_create(
        name_key=key, defaults={"last_failure_at": now}
    )
    if watch.last_failure_at < now - timedelta(minutes=settings.STAFF_LOGIN_ALERT_QUIET_MINUTES):
        watch.failures, watch.alerted_at = 0, None
    watch.failures += 1
    watch.last_failure_at = now
    alert = watch.failures >= settings.STAFF_LOGIN_ALERT_FAILURES and watch.alerted_at is None
    if alert:
        watch.alerted_at = now
    watch.save()
    return alert


def _alert_admins(*, user: User, key: str, now: datetime) -> None:
    """Tell the admins of the user's offices: an audit row in each office's log, and an e-mail
    through the task backend once the failure is committed."""
    episode = now - timedelta(minutes=settings.STAFF_LOGIN_ALERT_QUIET_MINUTES)
    recent = SignInFailure.objects.filter(name_key=key, at__gt=episode)
    failures = recent.count()
    addresses = recent.values("address").distinct().count()
    data = {"failures": failures, "addresses": addresses}
    offices: list[Office | None] = list(Office.objects.filter(memberships__user=user).distinct())
    for office in offices or [None]:  # a ministry member belongs to no office
        audit_record(
            office=office,
            acting_user=AnonymousUser(),
            action=actions.LOGIN_ALERTED,
            target=user,
            data=data,
        )
    transaction.on_commit(lambda: sign_in_alert_mail_task.enqueue(user.pk, failures, addresses))


@transaction.atomic
def sign_in_success_record(*, user: User, address: str) -> None:
    """Both factors were right: this pair's failures are forgiven (other addresses' are not)."""
    key = sign_in_name_key(user.username)
    SignInFailure.objects.filter(name_key=key, address=address).delete()
    SignInLock.objects.filter(name_key=key, address=address).delete()
    audit_record(office=None, acting_user=user, action=actions.LOGIN_SUCCEEDED, target=user)


@transaction.atomic
def sign_in_locks_clear(*, username: str, acting_user: Actor, office: Office | None = None) -> int:
    """An admin lifts every lock of a name, at every address, and its count starts afresh.
    Returns the number of locks lifted. `office`: the office whose admin did it (its log)."""
    key = sign_in_name_key(username)
    lifted, _ = SignInLock.objects.filter(name_key=key, until__gt=timezone.now()).delete()
    SignInLock.objects.filter(name_key=key).delete()
    SignInFailure.objects.filter(name_key=key).delete()
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.LOGIN_UNLOCKED,
        target=User.objects.filter(username=username).first(),
        data={"locks": lifted},
    )
    return lifted


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
        office=None, acting_user=device.user, action=actions.TOTP_ENROLLED, target=device.user
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
    audit_record(office=None, acting_user=acting_user, action=actions.USER_CREATED, target=user)
    return user


@transaction.atomic
def membership_grant(
    *, user: User, office: Office | None, role: str, acting_user: Actor
) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, office=office, role=role)
    audit_record(
        office=office,
        acting_user=acting_user,
        action=actions.MEMBERSHIP_GRANTED,
        target=membership,
        data={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def sign_in_records_prune(*, now: datetime) -> int:
    """Forget failures, locks and episodes older than every window that reads them (the lock,
    the limit per address, the alert's quiet pause): they would change no answer."""
    minutes = max(settings.STAFF_LOCKOUT_MINUTES, settings.STAFF_LOGIN_ALERT_QUIET_MINUTES)
    before = now - timedelta(minutes=minutes)
    failures, _ = SignInFailure.objects.filter(at__lt=before).delete()
    locks, _ = SignInLock.objects.filter(until__lt=before).delete()
    watches, _ = SignInWatch.objects.filter(last_failure_at__lt=before).delete()
    return failures + locks + watches
