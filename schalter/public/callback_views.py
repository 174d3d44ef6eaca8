"""Callback requests from the website: her number, language, topic and preferred times, the robot
check as for bookings, a confirmation page, and her status link (see or withdraw the request)."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from schalter.accounts.actors import CLIENT
from schalter.appointments import antibot, ratelimit
from schalter.appointments import selectors as appointment_selectors
from schalter.callbacks.requests import (
    callback_request,
    callback_withdraw,
    request_limit,
    windows_from_keys,
)
from schalter.callbacks.worklist import callback_by_status_token
from schalter.errors import Refusal
from schalter.offices import selectors as office_selectors
from schalter.offices.localtime import local_time
from schalter.offices.models import Office
from schalter.public.booking_views import captcha_language, captcha_strings
from schalter.public.callback_forms import CallbackRequestForm


def topics_of(office: Office, language: str) -> list[tuple[int, str]]:
    offered = appointment_selectors.offered_services(office, online_only=False)
    return sorted(
        ((o.service_id, o.service.name_in(language)) for o in offered), key=lambda t: t[1]
    )


def _status_link(request: HttpRequest, office: Office, token: str) -> str:
    return request.build_absolute_uri(
        reverse("public:callback_status", kwargs={"office": office.slug, "token": token})
    )


@require_http_methods(["GET", "POST"])
def callback_request_page(request: HttpRequest, office: str) -> HttpResponse:
    office_obj = office_selectors.office_by_slug(office)
    language = get_language()
    topics = topics_of(office_obj, language)
    form = CallbackRequestForm(
        request.POST if request.method == "POST" else None,
        topics=topics,
        initial={"language": language},
    )
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            now = timezone.now()
            try:
                antibot.attempt_check(
                    address=ratelimit.client_address(request),
                    email="",
                    proof=request.POST.get("altcha", ""),
                    script_ran=request.POST.get("script") == "on",
                    now=now,
                )
                request_limit(data["number"], now)
                requested = callback_request(
                    office=office_obj,
                    number=data["number"],
                    language=data["language"],
                    service_id=data["topic"],
                    windows=windows_from_keys(data["windows"]),
                    now=now,
                    acting_user=CLIENT,
                    link_for=lambda token: _status_link(request, office_obj, token),
                )
            except Refusal as problem:
                if problem.field in form.fields:
                    form.add_error(problem.field, str(problem.message))
                error, status = str(problem.message), problem.status
            else:
                return redirect(
                    "public:callback_status", office=office_obj.slug, token=requested.token
                )
        else:
            status = 400
    return render(
        request,
        "public/callbacks/request.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(language),
            "form": form,
            "error": error,
            "captcha_json": json.dumps(captcha_strings(), ensure_ascii=False),
            "captcha_language": captcha_language(),
        },
        status=status,
    )


def _found(office: str, token: str):
    office_obj = office_selectors.office_by_slug(office)
    callback = callback_by_status_token(office_obj, token)
    if callback is None:
        raise Http404
    return office_obj, callback


@require_GET
def callback_status(request: HttpRequest, office: str, token: str) -> HttpResponse:
    office_obj, callback = _found(office, token)
    return render(
        request,
        "public/callbacks/status.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(get_language()),
            "callback": callback,
            # On the office's wall clock, whatever the server's zone (day_and_time leaves it so).
            "deadline": local_time(office_obj, callback.deadline) if callback.deadline else None,
            "token": token,
        },
    )


@require_http_methods(["GET", "POST"])
def callback_withdraw_page(request: HttpRequest, office: str, token: str) -> HttpResponse:
    """Withdrawing asks first: a page with one button (no script needed)."""
    office_obj, callback = _found(office, token)
    error, status = "", 200
    if request.method == "POST":
        try:
            callback_withdraw(callback=callback, now=timezone.now(), acting_user=CLIENT)
        except Refusal as problem:
            error, status = str(problem.message), problem.status
        else:
            return redirect("public:callback_status", office=office_obj.slug, token=token)
    return render(
        request,
        "public/callbacks/withdraw.html",
        {
            "office": office_obj,
            "office_name": office_obj.name_in(get_language()),
            "callback": callback,
            "token": token,
            "error": error,
        },
        status=status,
    )
