"""The office admin's callback settings (callbacks part): the promise and the other rules, the
addresses and IMAP mailboxes the phone system mails voicemails to (add, change, switch off, test
the connection), and the patterns of the generic voicemail format (from a preset or new).
Writes go through callbacks/settings.py; a refused value is shown at its field with 400."""

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schalter.accounts.roles import Capability
from schalter.callbacks import settings as rules
from schalter.callbacks.formats.generic import PRESETS
from schalter.callbacks.models import CallbackMailbox, VoicemailPattern
from schalter.callbacks.selectors import callback_policy_of, mailboxes_of, patterns_of
from schalter.errors import Refusal
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by
from schalter.staff.callback_settings_forms import MailboxForm, PatternForm, PolicyForm
from schalter.staff.guards import office_view
from schalter.staff.navigation import office_render

SETTINGS_CAPABILITY = Capability.MANAGE_OFFICE


def _refused(form: forms.Form, refusal: Refusal) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal.message))


def _status(*forms_: forms.Form) -> int:
    return 400 if any(form.is_bound and form.errors for form in forms_) else 200


@require_http_methods(["GET", "POST"])
@office_view(SETTINGS_CAPABILITY)
def callback_settings(request: HttpRequest, office: Office) -> HttpResponse:
    """The overview: the rules (a form), the mailboxes and the patterns (lists)."""
    policy = callback_policy_of(office)
    initial = {
        name: getattr(policy, name) for name in PolicyForm.base_fields if name != "sms_countries"
    }
    initial["sms_countries"] = ", ".join(code.upper() for code in policy.sms_countries)
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rules.policy_update(office=office, values=form.cleaned_data, acting_user=request.user)
        except Refusal as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:callback_settings", office=office.slug)
    return office_render(
        request,
        "staff/callbacks/settings.html",
        {
            "form": form,
            "mailboxes": mailboxes_of(office),
            "patterns": patterns_of(office),
            "presets": sorted(PRESETS.items()),
        },
        status=_status(form),
    )


def _mailbox_values(data: dict) -> rules.MailboxValues:
    return rules.MailboxValues(
        address=data["address"],
        language=data["language"],
        imap_host=data["imap_host"],
        imap_port=data["imap_port"],
        imap_tls=data["imap_tls"],
        imap_folder=data["imap_folder"],
        imap_password=data["imap_password"] or None,
    )


def _mailbox_page(
    request: HttpRequest, office: Office, mailbox: CallbackMailbox | None
) -> HttpResponse:
    action = request.POST.get("action", "save")
    if mailbox is None:
        initial = {"imap_tls": True}
    else:  # never the password
        initial = {
            "address": mailbox.address,
            "language": mailbox.language,
            "imap_host": mailbox.imap_host,
            "imap_port": mailbox.imap_port,
            "imap_tls": mailbox.imap_tls,
            "imap_folder": mailbox.imap_folder,
        }
    form = MailboxForm(
        request.POST if request.method == "POST" and action == "save" else None, initial=initial
    )
    check, problem = None, ""
    if request.method == "POST":
        if action == "save":
            if form.is_valid():
                try:
                    saved = rules.mailbox_save(
                        office=office,
                        mailbox=mailbox,
                        values=_mailbox_values(form.cleaned_data),
                        acting_user=request.user,
                    )
                except Refusal as refusal:
                    _refused(form, refusal)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("staff:callback_mailbox", office=office.slug, pk=saved.pk)
        elif mailbox is not None and action in ("disable", "enable"):
            rules.mailbox_active_set(
                office=office,
                mailbox=mailbox,
                active=action == "enable",
                acting_user=request.user,
            )
            messages.success(request, _("Saved."))
            return redirect("staff:callback_mailbox", office=office.slug, pk=mailbox.pk)
        elif mailbox is not None and action == "test":
            check = rules.mailbox_connection_check(mailbox)
        else:  # an action the page does not offer (or not for a new one)
            problem = _("This request cannot be processed.")
    return office_render(
        request,
        "staff/callbacks/mailbox.html",
        {
            "form": form,
            "mailbox": mailbox,
            "has_password": bool(mailbox and mailbox.imap_password),
            "check": check,
            "problem": problem,
        },
        status=400 if form.errors or problem else 200,
    )


@require_http_methods(["GET", "POST"])
@office_view(SETTINGS_CAPABILITY)
def callback_mailbox_new(request: HttpRequest, office: Office) -> HttpResponse:
    return _mailbox_page(request, office, None)


@require_http_methods(["GET", "POST"])
@office_view(SETTINGS_CAPABILITY)
def callback_mailbox(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """One mailbox: change it (an empty password keeps the one there is), switch it off or on,
    test the connection to its IMAP server."""
    return _mailbox_page(request, office, owned_by(office, CallbackMailbox, pk))


def _pattern_values(data: dict, preset: str) -> rules.PatternValues:
    return rules.PatternValues(
        name=data["name"],
        subject=data["subject"],
        body=data["body"],
        attachment=data["attachment"],
        headers=rules.headers_parse(data["headers"]),
        recorded_format=data["recorded_format"],
        position=data["position"],
        verified=data["verified"],
        preset=preset,
    )


def _headers_text(headers: dict[str, str]) -> str:
    return "\n".join(f"{name}: {expression}" for name, expression in headers.items())


def _pattern_page(
    request: HttpRequest, office: Office, pattern: VoicemailPattern | None
) -> HttpResponse:
    action = request.POST.get("action", "save")
    preset_name = request.GET.get("preset", "") if pattern is None else pattern.preset
    preset = PRESETS.get(preset_name)
    if pattern is not None:
        initial = {
            "name": pattern.name,
            "subject": pattern.subject,
            "body": pattern.body,
            "attachment": pattern.attachment,
            "headers": _headers_text(pattern.headers),
            "recorded_format": pattern.recorded_format,
            "position": pattern.position,
            "verified": pattern.verified,
        }
    elif preset is not None:
        initial = {**asdict(preset), "headers": _headers_text(preset.headers), "position": 0}
    else:
        initial = {"position": 0}
        preset_name = ""
    form = PatternForm(
        request.POST if request.method == "POST" and action == "save" else None, initial=initial
    )
    problem = ""
    if request.method == "POST":
        if action == "save":
            if form.is_valid():
                try:
                    saved = rules.pattern_save(
                        office=office,
                        pattern=pattern,
                        values=_pattern_values(form.cleaned_data, preset_name),
                        acting_user=request.user,
                    )
                except Refusal as refusal:
                    _refused(form, refusal)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("staff:callback_pattern", office=office.slug, pk=saved.pk)
        elif pattern is not None and action == "delete":
            rules.pattern_delete(office=office, pattern=pattern, acting_user=request.user)
            messages.success(request, _("Deleted."))
            return redirect("staff:callback_settings", office=office.slug)
        else:  # an action the page does not offer (or not for a new one)
            problem = _("This request cannot be processed.")
    return office_render(
        request,
        "staff/callbacks/pattern.html",
        {
            "form": form,
            "pattern": pattern,
            "preset": preset,
            "group_names": rules.GROUP_NAMES,
            "problem": problem,
        },
        status=400 if form.errors or problem else 200,
    )


@require_http_methods(["GET", "POST"])
@office_view(SETTINGS_CAPABILITY)
def callback_pattern_new(request: HttpRequest, office: Office) -> HttpResponse:
    """A new pattern, empty or from a preset (`?preset=starface`), unverified until checked."""
    return _pattern_page(request, office, None)


@require_http_methods(["GET", "POST"])
@office_view(SETTINGS_CAPABILITY)
def callback_pattern(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    return _pattern_page(request, office, owned_by(office, VoicemailPattern, pk))
