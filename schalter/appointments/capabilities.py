"""The links that open one appointment: manage (change or cancel) and confirm (a pending booking
or an offered time). Each token is random, handed out once (the booking answer, one e-mail) and
kept only as its hash (`AppointmentLink`), so neither the secret key nor the booking code
reveals one. A mail written later issues its own token when it is rendered. Links open the
appointment until it has passed; a confirmation link works once. The hashes of tokens sent
before links became random (`Appointment.manage_token_hash`, `confirm_token_hash`) keep working
until then too (docs/capabilities.md)."""

import secrets
from collections.abc import Sequence
from datetime import datetime

from django_scopes import scopes_disabled

from schalter.appointments.models import Appointment, AppointmentLink, LinkPurpose
from schalter.tokens import token_hash, token_matches

TOKEN_BYTES = 30  # 40 characters in a URL


def links_issue(*, appointment: Appointment, purposes: Sequence[str], now: datetime) -> list[str]:
    """New random tokens for the appointment, one per purpose, in one statement; only their
    hashes are stored. The raw tokens go to the one caller, which hands them to the person
    (never to a task's arguments or a log)."""
    tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in purposes]
    AppointmentLink.objects.bulk_create(
        AppointmentLink(
            appointment=appointment, purpose=purpose, token_hash=token_hash(token), issued_at=now
        )
        for purpose, token in zip(purposes, tokens, strict=True)
    )
    return tokens


def link_issue(*, appointment: Appointment, purpose: str, now: datetime) -> str:
    """One new random token for the appointment (`links_issue`)."""
    return links_issue(appointment=appointment, purposes=(purpose,), now=now)[0]


def legacy_hash(appointment: Appointment, purpose: str) -> str:
    return (
        appointment.manage_token_hash
        if purpose == LinkPurpose.MANAGE
        else appointment.confirm_token_hash
    )


def link_opens(*, appointment: Appointment, purpose: str, token: str, now: datetime) -> bool:
    """Whether `token` is a live link of this purpose to the appointment: issued for it (and,
    for confirmation, not used yet) or a token sent before links became random, and the
    appointment has not passed."""
    if not token or appointment.end <= now:
        return False
    if token_matches(legacy_hash(appointment, purpose), token):
        return True
    with scopes_disabled():  # a link names no office; the appointment is already found
        return AppointmentLink.objects.filter(
            appointment=appointment,
            purpose=purpose,
            token_hash=token_hash(token),
            used_at__isnull=True,
        ).exists()


def confirm_links_use(*, appointment: Appointment, token: str, now: datetime) -> bool:
    """Spend the confirmation: True if `token` was a live confirmation link, and then every
    confirmation link of the appointment is used up (one confirmation, however many mails
    carried one). Inside the caller's transaction, with the appointment locked."""
    if appointment.end <= now:
        return False
    with scopes_disabled():
        links = AppointmentLink.objects.filter(
            appointment=appointment, purpose=LinkPurpose.CONFIRM, used_at__isnull=True
        )
        valid = token_matches(appointment.confirm_token_hash, token) or (
            bool(token) and links.filter(token_hash=token_hash(token)).exists()
        )
        if valid:
            links.update(used_at=now)
    return valid
