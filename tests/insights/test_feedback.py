"""The survey: one answer per visit, a token works once, nothing links it to the visit or the
person, and comments reach staff without e-mail addresses or phone numbers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from schalter.insights.feedback import (
    FeedbackLinkInvalid,
    feedback_answer,
    feedback_invite,
    feedback_token,
)
from schalter.insights.models import FeedbackAnswer, FeedbackInvitation
from schalter.insights.scrub import scrub_contacts

NOW = datetime(2031, 3, 3, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))
SCORES = {"waiting": 4, "friendliness": 5, "found_way": 3, "information": 9}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Schreiben Sie an anna.k+amt@example.org bitte", "Schreiben Sie an […] bitte"),
        ("Rufen Sie +49 (0)641 123-45 67 an", "Rufen Sie […] an"),
        ("Tel. 0641/9876543.", "Tel. […]."),
        ("٠٦٤١١٢٣٤٥٦ رقمي", "٠٦٤١١٢٣٤٥٦ رقمي".replace("٠٦٤١١٢٣٤٥٦", "[…]")),
        ("Wartezeit 45 Minuten, Schalter 12, 2031", "Wartezeit 45 Minuten, Schalter 12, 2031"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # escaped where shown
    ],
)
def test_the_scrubber_removes_contacts_only(text, expected):
    assert scrub_contacts(text) == expected


def test_a_token_works_once_and_keeps_no_link(office):
    token = feedback_invite(office=office, visit_token="visit-token-1")
    assert feedback_invite(office=office, visit_token="visit-token-1") == token  # one per visit
    assert FeedbackInvitation.objects.count() == 1
    answer = feedback_answer(
        office=office, token=token, scores=SCORES, comment="Mail: a@b.de", now=NOW
    )
    assert (answer.waiting, answer.friendliness, answer.found_way) == (4, 5, 3)
    assert answer.information is None  # out of range: no answer
    assert answer.comment == "Mail: […]" and str(answer.month) == "2031-03-01"
    with pytest.raises(FeedbackLinkInvalid):
        feedback_answer(office=office, token=token, scores=SCORES, comment="", now=NOW)
    with pytest.raises(FeedbackLinkInvalid):
        feedback_answer(office=office, token="forged", scores=SCORES, comment="", now=NOW)
    assert FeedbackAnswer.objects.count() == 1
    fields = {f.name for f in FeedbackAnswer._meta.get_fields()}
    assert fields == {"id", "office", "month", *SCORES, "comment"}
    assert token != feedback_token("visit-token-2") and "visit-token-1" not in token


def test_the_survey_page_answers_once(client, office):
    from schalter.insights.feedback import feedback_invite as invite

    token = invite(office=office, visit_token="visit-token-9")
    url = f"/fa/{office.slug}/feedback/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()
    body = {"waiting": "2", "friendliness": "5", "comment": "<script>x</script> 0641 1234567"}
    assert client.post(url, body).status_code == 200
    answer = FeedbackAnswer.objects.get()
    assert answer.comment == "<script>x</script> […]" and answer.waiting == 2
    again = client.post(url, body)
    assert again.status_code == 404 and FeedbackAnswer.objects.count() == 1
    assert client.post(f"/fa/{office.slug}/feedback/forged/", body).status_code == 404
    assert "<script>x" not in again.content.decode()


def test_another_offices_survey_token_is_refused(office, other_office):
    token = feedback_invite(office=other_office, visit_token="visit-token-3")
    with pytest.raises(FeedbackLinkInvalid):
        feedback_answer(office=office, token=token, scores=SCORES, comment="", now=NOW)
    assert feedback_answer(office=other_office, token=token, scores=SCORES, comment="", now=NOW)


def test_leads_read_scores_and_scrubbed_comments(office, staff_client):
    for i, comment in enumerate(["Anrufen: 0151 2345678", "<b>gut</b>", ""]):
        token = feedback_invite(office=office, visit_token=f"visit-{i}")
        scores = {"waiting": 2 + i, "friendliness": 5}
        feedback_answer(office=office, token=token, scores=scores, comment=comment, now=NOW)
    page = staff_client(office, "team_lead").get(
        f"/staff/{office.slug}/insights/?first=2031-03-01&last=2031-03-31"
    )
    text = page.content.decode()
    assert "Anrufen: […]" in text and "2345678" not in text
    assert "&lt;b&gt;gut&lt;/b&gt;" in text and "<b>gut</b>" not in text
    assert "<td>3</td><td>3,0</td>" in text  # three waiting scores, 2 + 3 + 4 over 3
