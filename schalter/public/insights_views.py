"""The client's survey after a finished visit (docs/insights.md, "Client feedback")."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schalter.insights.feedback import (
    COMMENT_MAX,
    FeedbackLinkInvalid,
    feedback_answer,
)
from schalter.insights.selectors import feedback_link_open
from schalter.kern_forms import KernFormMixin
from schalter.languages import language_for
from schalter.offices import selectors as office_selectors

SCORES = [(n, str(n)) for n in range(1, 6)]


def _score(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very much"),
    )


class FeedbackForm(KernFormMixin, forms.Form):
    waiting = _score(_("Was the waiting time acceptable?"))
    friendliness = _score(_("Were the staff friendly?"))
    found_way = _score(_("Did you find your way easily?"))
    information = _score(_("Was the information clear?"))
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea({"rows": 4}),
    )


def feedback(request: HttpRequest, office: str, token: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    language = language_for(get_language()).code
    context = {"office": office_obj, "office_name": office_obj.name_in(language)}
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback_answer(
                office=office_obj,
                token=token,
                scores={
                    k: data[k] for k in ("waiting", "friendliness", "found_way", "information")
                },
                comment=data["comment"],
                now=timezone.now(),
            )
        except FeedbackLinkInvalid as refusal:
            return render(
                request,
                "public/insights/feedback.html",
                {**context, "refused": refusal.message},
                status=refusal.status,
            )
        return render(request, "public/insights/feedback.html", {**context, "thanks": True})
    if not feedback_link_open(office_obj, token):  # forged or used: say so before the form
        refusal = FeedbackLinkInvalid()
        return render(
            request,
            "public/insights/feedback.html",
            {**context, "refused": refusal.message},
            status=refusal.status,
        )
    return render(request, "public/insights/feedback.html", {**context, "form": form})
