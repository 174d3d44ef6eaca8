"""Client feedback (docs/insights.md): a survey link offered once a visit is finished, answered
once, stored without a link to the visit or the person."""

from datetime import date, datetime

from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal
from schalter.insights.models import FeedbackAnswer, FeedbackInvitation
from schalter.insights.scrub import scrub_contacts
from schalter.offices.localtime import local_date
from schalter.offices.models import Office
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


def feedback_invite(*, office: Office, visit_token: str) -> str:
    """Offer the survey for a finished visit (again: no second invitation); returns its token."""
    token = feedback_token(visit_token)
    FeedbackInvitation.objects.bulk_create(
        [FeedbackInvitation(office=office, token_hash=token_hash(token))], ignore_conflicts=True
    )
    return token


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
        day = local_date(office, now)
        return FeedbackAnswer.objects.create(
            office=office,
            month=date(day.year, day.month, 1),
            **{q: _score(scores.get(q)) for q in QUESTIONS},
            comment=scrub_contacts(comment[:COMMENT_MAX]),
        )


def _score(value: int | None) -> int | None:
    return value if value in (1, 2, 3, 4, 5) else None
