"""The survey offered by e-mail or text message once a visit or callback is finished (issue 17,
"Client feedback"): only where the client left an address or a mobile number and the office has
the survey switched on (insights/parts.py), in the client's language, with a single-use link.
The minute's tick sends the offers of visits and callbacks finished in the last hours; a
`SurveyOffer` (a keyed hash, no id) keeps each to one offer, and the link's invitation shares
the visit's key with the ticket page's, so the visit is answered once however it was offered."""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from schalter.callbacks.models import Callback, Outcome, State
from schalter.callbacks.numbers import is_mobile_in
from schalter.callbacks.selectors import callback_policy_of
from schalter.insights.feedback import visit_key
from schalter.insights.models import FeedbackInvitation, SurveyOffer
from schalter.insights.parts import FEEDBACK
from schalter.languages import language_for
from schalter.links import public_url
from schalter.mail.services import mail_send_once
from schalter.offices.models import Office
from schalter.offices.parts import uses
from schalter.sms import send_sms
from schalter.tokens import token_hash
from schalter.visits.models import Ticket, TicketState

log = logging.getLogger(__name__)

SURVEY_WITHIN = timedelta(hours=6)  # a visit finished longer ago gets no offer any more


def _claim(office: Office, key: str, now: datetime) -> str | None:
    """Record the offer and make its invitation; None if it was offered already."""
    with transaction.atomic():
        _offer, created = SurveyOffer.objects.get_or_create(
            visit_key=key, defaults={"office": office, "offered_at": now}
        )
        if not created:
            return None
        token = secrets.token_urlsafe(24)
        FeedbackInvitation.objects.create(
            office=office, token_hash=token_hash(token), visit_key=key
        )
    return token


def survey_link(office: Office, token: str, language: str) -> str:
    with translation.override(language):
        return public_url(
            reverse("public:feedback", kwargs={"office": office.slug, "token": token})
        )


def survey_text(office: Office, link: str, language: str, *, callback: bool = False) -> str:
    with translation.override(language):
        values = {"office": office.name_in(language), "link": link}
        if callback:
            return (
                _(
                    "Thank you for your call with %(office)s. How did it go? The short survey "
                    "is anonymous: %(link)s"
                )
                % values
            )
        return (
            _(
                "Thank you for your visit to %(office)s. How did it go? The short survey is "
                "anonymous: %(link)s"
            )
            % values
        )


def _mail(office: Office, key: str, to: str, text: str, language: str) -> bool:
    def build() -> EmailMessage:
        with translation.override(language):
            subject = _("How was your visit to %(office)s?") % {"office": office.name_in(language)}
        return EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [to])

    return mail_send_once(
        key=f"survey-{key[:40]}", purpose="insights.survey", build=build, retry=None
    )


def _offer(
    office: Office, key: str, language: str, *, email: str, phone: str, now, callback=False
) -> bool:
    token = _claim(office, key, now)
    if token is None:
        return False
    language = language_for(language).code
    link = survey_link(office, token, language)
    text = survey_text(office, link, language, callback=callback)
    if email:
        return _mail(office, key, email, text, language)
    return send_sms(to=phone, text=text)


def survey_offers_send(*, office: Office, now: datetime) -> int:
    """Offer the survey for the office's visits and callbacks finished lately; returns how many
    offers went out."""
    if not uses(office, FEEDBACK):
        return 0
    since = now - SURVEY_WITHIN
    with scopes_disabled():
        tickets = list(
            Ticket.objects.filter(
                office=office, state=TicketState.DONE, finished_at__gte=since, finished_at__lte=now
            ).select_related("appointment")
        )
        callbacks = list(
            Callback.objects.filter(
                office=office,
                state=State.CLOSED,
                outcome=Outcome.REACHED,
                closed_at__gte=since,
                closed_at__lte=now,
                anonymised_at__isnull=True,
            ).exclude(caller_number="")
        )
        countries = callback_policy_of(office).countries if callbacks else []
    candidates = []
    for ticket in tickets:
        appointment = ticket.appointment
        email = appointment.email if appointment else ""
        phone = (appointment.phone if appointment else "") or ticket.notify_phone
        if email or phone:
            candidates.append(
                (visit_key("ticket", ticket.pk), ticket.language, email, phone, False)
            )
    for found in callbacks:
        if is_mobile_in(found.caller_number, countries):
            candidates.append(
                (visit_key("callback", found.pk), found.language, "", found.caller_number, True)
            )
    offered = set(
        SurveyOffer.objects.filter(visit_key__in=[c[0] for c in candidates]).values_list(
            "visit_key", flat=True
        )
    )
    sent = 0
    for key, language, email, phone, callback in candidates:
        if key in offered:
            continue
        sent += _offer(office, key, language, email=email, phone=phone, now=now, callback=callback)
    return sent


def survey_minute(*, now: datetime) -> str:
    """The survey offers' share of the minute's tick (offices/ticks.py), for every office."""
    sent = sum(survey_offers_send(office=office, now=now) for office in Office.objects.all())
    return f"{sent} survey offers sent"
