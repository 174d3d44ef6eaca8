"""Client feedback (docs/insights.md): a survey link offered once a visit is finished, answered
once, stored without a link to the visit or the person."""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal
from schalter.insights.models import FeedbackAnswer, FeedbackInvitation
from schalter.insights.parts import FEEDBACK
from schalter.insights.scrub import scrub_contacts
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
from schalter.offices.parts import uses
from schalter.tokens import token_hash

QUESTIONS = ("waiting", "friendliness", "found_way", "information")
COMMENT_MAX = 1000


class FeedbackLinkInvalid(Refusal):
    status = 404
    code = "feedback_link_invalid"
    message = _("This survey link is not valid or has been used already.")


def feedback_token(visit_token: str) -> str:
    """The survey token of a visit, derived with the site's secret from the token of the
    visit's own page: the same visit always gets the same survey (one answer per visit), and
    the survey token does not give the visit's token away."""
    return salted_hmac("schalter.insights.feedback", visit_token, algorithm="sha256").hexdigest()[
        :32
    ]


def visit_key(kind: str, pk: int) -> str:
    """A keyed hash naming one visit ("ticket") or callback ("callback") without its id: every
    invitation to the survey about it carries it, so it is answered once however it was offered
    (the ticket page, an e-mail, a text message)."""
    return salted_hmac("schalter.insights.visit", f"{kind}:{pk}", algorithm="sha256").hexdigest()


def feedback_invite(*, office: Office, visit_token: str, key: str = "") -> str:
    """Offer the survey for a finished visit (again: no second invitation); returns its token.
    `key` is the visit's `visit_key`, where known."""
    token = feedback_token(visit_token)
    FeedbackInvitation.objects.bulk_create(
        [FeedbackInvitation(office=office, token_hash=token_hash(token), visit_key=key)],
        ignore_conflicts=True,
    )
    return token


def feedback_link(*, office: Office, visit_token: str, ticket_id: int) -> str:
    """The survey's path for the finished visit's own page; "" while the office has the survey
    switched off (insights/parts.py)."""
    if not uses(office, FEEDBACK):
        return ""
    token = feedback_invite(
        office=office, visit_token=visit_token, key=visit_key("ticket", ticket_id)
    )
    return reverse("public:feedback", kwargs={"office": office.slug, "token": token})


def feedback_answer(
    *, office: Office, token: str, scores: dict[str, int | None], comment: str, now: datetime
) -> FeedbackAnswer:
    """Store one answer; a token used already, or never handed out, is refused."""
    with transaction.atomic():
        invitation = (
            FeedbackInvitation.objects.select_for_update()
            .filter(office=office, token_hash=token_hash(token), used=False)
            .first()
        )
        if invitation is None:
            raise FeedbackLinkInvalid
        invitation.used = True
        invitation.save(update_fields=["used"])
        if invitation.visit_key:  # the visit's other invitations are spent with it
            FeedbackInvitation.objects.filter(office=office, visit_key=invitation.visit_key).update(
                used=True
            )
        day = local_date(office, now)
        return FeedbackAnswer.objects.create(
            office=office,
            month=date(day.year, day.month, 1),
            **{q: _score(scores.get(q)) for q in QUESTIONS},
            comment=scrub_contacts(comment[:COMMENT_MAX]),
        )


def _score(value: int | None) -> int | None:
    return value if value in (1, 2, 3, 4, 5) else None
