"""Staff and roles of an office (issue 13, docs/staff-accounts.md): team leads see the list, office
admins invite, change roles and languages, deactivate, unlock and reset a lost second factor; the
page behind an account link (invitation, reset, first enrolment); the staff language switch.
Views parse and render; the rules are in accounts/members.py."""

from base64 import b32encode
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from schalter.accounts import members, selectors
from schalter.accounts.actions import MEMBERSHIP_VIEWED
from schalter.accounts.models import AccountLink, Membership
from schalter.accounts.roles import Capability
from schalter.accounts.services import audit_record, sign_in_locks_clear
from schalter.appointments.errors import RateLimited
from schalter.appointments.ratelimit import client_address, hit
from schalter.errors import Refusal
from schalter.languages import language_for
from schalter.links import qr_svg
from schalter.offices.models import Office
from schalter.offices.selectors import owned_by
from schalter.staff.forms import CodeForm
from schalter.staff.guards import office_view, remember_staff_language, verified_staff
from schalter.staff.member_forms import (
    InvitationForm,
    NewAccountForm,
    PasswordSetForm,
    RolesForm,
    SpokenLanguagesForm,
    StaffLanguageForm,
    role_choices,
)
from schalter.staff.navigation import office_render

# The token of a link opened before signing in (an invitation for an existing account): kept
# in the session, so it never travels in a `next=` parameter.
LINK_TOKEN = "staff_account_link"  # noqa: S105 - a session key
# Requests to account-link pages per client address and quarter of an hour.
LINK_REQUESTS_PER_WINDOW = 30
LINK_WINDOW_SECONDS = 900


@office_view(Capability.VIEW_STAFF)
def member_list(request: HttpRequest, office: Office) -> HttpResponse:
    may_manage = request.access.may(Capability.MANAGE_STAFF)  # type: ignore[attr-defined]
    now = timezone.now()
    return office_render(
        request,
        "staff/members.html",
        {
            "members": selectors.office_members(office=office),
            "invitations": selectors.pending_invitations(office=office, now=now)
            if may_manage
            else [],
            "may_manage": may_manage,
        },
    )


@office_view(Capability.MANAGE_STAFF)
def member_invite(request: HttpRequest, office: Office) -> HttpResponse:
    held = request.access.capabilities  # type: ignore[attr-defined]
    form = InvitationForm(
        request.POST or None, held=held, initial={"language": settings.LANGUAGE_CODE}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                link = members.invitation_create(
                    office=office,
                    email=form.cleaned_data["email"],
                    roles=set(form.cleaned_data["roles"]),
                    language=form.cleaned_data["language"],
                    acting_user=request.user,
                    now=timezone.now(),
                )
            except Refusal as refusal:
                field = refusal.field if refusal.field in form.fields else None
                form.add_error(field, str(refusal.message))
                status = refusal.status
            else:
                # The same answer whether the address has an account or not.
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": link.email}
                )
                return redirect("staff:members", office=office.slug)
    return office_render(request, "staff/member_invite.html", {"form": form}, status=status)


@require_POST
@office_view(Capability.MANAGE_STAFF)
def invitation_withdraw(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    """Take back an open invitation: its link stops working at once."""
    try:
        link = members.invitation_withdraw(
            office=office, link_id=pk, acting_user=request.user, now=timezone.now()
        )
    except members.LinkInvalid as refusal:
        raise Http404 from refusal
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": link.email}
    )
    return redirect("staff:members", office=office.slug)


@office_view(Capability.VIEW_STAFF)
def member_detail(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    membership = owned_by(office, Membership, pk, "user")
    person = membership.user
    access = request.access  # type: ignore[attr-defined]
    may_manage = access.may(Capability.MANAGE_STAFF)
    status = 200
    error = ""
    roles_form = RolesForm(None, held=access.capabilities)
    languages_form = SpokenLanguagesForm(None)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            done = _act(request, office, person, action)
        except Refusal as refusal:
            error, status = str(refusal.message), refusal.status
        else:
            if done is None:
                status = 400
                error = _("Check the form.")
            else:
                messages.success(request, done)
                return redirect("staff:member", office=office.slug, pk=pk)
        if action == "roles":
            roles_form = RolesForm(request.POST, held=access.capabilities)
            roles_form.is_valid()
        if action == "languages":
            languages_form = SpokenLanguagesForm(request.POST)
            languages_form.is_valid()
    else:
        audit_record(
            office=office, acting_user=request.user, action=MEMBERSHIP_VIEWED, target=membership
        )
    member = selectors.office_member(office=office, user=person)
    if request.method != "POST" or request.POST.get("action") != "roles":
        roles_form = RolesForm(None, held=access.capabilities, initial={"roles": member.roles})
    if request.method != "POST" or request.POST.get("action") != "languages":
        languages_form = SpokenLanguagesForm(
            None, initial={"languages": ", ".join(member.spoken_languages)}
        )
    now = timezone.now()
    return office_render(
        request,
        "staff/member.html",
        {
            "member": member,
            "person": person,
            "may_manage": may_manage,
            "roles_form": roles_form,
            "languages_form": languages_form,
            "locked_until": selectors.sign_in_locked_until(user=person, now=now),
            "enrolment_required": selectors.enrolment_required(user=person),
            "grantable": [code for code, _label in role_choices(access.capabilities)],
            "error": error,
        },
        status=status,
    )


def _act(request: HttpRequest, office: Office, person: User, action: str) -> str | None:
    """Run one action on a member; its success message, or None for a form that is not valid."""
    user = request.user
    if action == "roles":
        form = RolesForm(request.POST, held=frozenset())
        if not form.is_valid():
            return None
        members.member_roles_set(
            office=office, user=person, roles=set(form.cleaned_data["roles"]), acting_user=user
        )
        return _("Roles saved.")
    if action == "languages":
        form = SpokenLanguagesForm(request.POST)
        if not form.is_valid():
            return None
        members.member_languages_set(
            office=office, user=person, languages=form.codes(), acting_user=user
        )
        return _("Languages saved.")
    if action in {"deactivate", "reactivate"}:
        members.member_active_set(
            office=office, user=person, active=action == "reactivate", acting_user=user
        )
        return _("Access reactivated.") if action == "reactivate" else _("Access deactivated.")
    if action == "unlock":
        sign_in_locks_clear(username=person.username, acting_user=user, office=office)
        return _("Sign-in unlocked.")
    if action == "reset":
        now = timezone.now()
        members.second_factor_reset(office=office, user=person, acting_user=user, now=now)
        return _(
            "The second factor was reset. %(name)s gets an e-mail with a link to set up a new one."
        ) % {"name": person.get_full_name() or person.username}
    return None


# --- the page behind an account link ------------------------------------------------------------


def _otp_url(key: str, label: str) -> str:
    secret = b32encode(bytes.fromhex(key)).decode()
    issuer = settings.OTP_TOTP_ISSUER
    query = urlencode({"secret": secret, "algorithm": "SHA1", "digits": 6, "period": 30})
    return f"otpauth://totp/{quote(issuer)}:{quote(label)}?{query}&issuer={quote(issuer)}"


def _link_language(link: AccountLink | None) -> str:
    chosen = selectors.staff_language_of(user=link.user) if link and link.user else ""
    return chosen or (link.language if link else "") or settings.LANGUAGE_CODE


@sensitive_post_parameters("password", "password_again", "code")
def account_link(request: HttpRequest) -> HttpResponse:
    """/staff/link/?token=…: accept an invitation, enrol a new authenticator after a reset, or
    set up an account made by `create_operator`. The token travels in the query (logs redact
    it) or, after a detour through the sign-in, in the session."""
    try:
        hit(
            f"staff-link:{client_address(request)}",
            limit=LINK_REQUESTS_PER_WINDOW,
            window_seconds=LINK_WINDOW_SECONDS,
            now=timezone.now(),
        )
    except RateLimited as refusal:
        context = {"invalid": str(refusal.message)}
        return render(request, "staff/account_link.html", context, status=429)
    token = request.GET.get("token", "") or request.session.get(LINK_TOKEN, "")
    link = selectors.account_link_by_token(token=token)
    language = language_for(_link_language(link)).code
    with translation.override(language):
        response = _account_link_page(request, token, link)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Referrer-Policy"] = "same-origin"  # no token to other sites
    return response


def _account_link_page(request: HttpRequest, token: str, link: AccountLink | None) -> HttpResponse:
    now = timezone.now()
    if link is None or not link.open_at(now):
        request.session.pop(LINK_TOKEN, None)
        return render(
            request,
            "staff/account_link.html",
            {"invalid": members.link_closed_message(link)},
            status=404,
        )
    if link.kind == AccountLink.Kind.INVITATION:
        invited = link.user or User.objects.filter(username__iexact=link.email).first()
        if invited is not None:
            return _join_existing(request, token, link, invited)
    new_account = link.kind == AccountLink.Kind.INVITATION
    name_form = NewAccountForm(request.POST or None) if new_account else None
    password_form = (
        PasswordSetForm(request.POST or None) if link.kind != AccountLink.Kind.RESET else None
    )
    code_form = CodeForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        status = 400
        forms_valid = [f.is_valid() for f in (name_form, password_form, code_form) if f]
        if all(forms_valid):
            code = code_form.cleaned_data["code"]
            password = password_form.cleaned_data["password"] if password_form else ""
            try:
                if new_account:
                    members.invitation_accept_new(
                        token=token,
                        full_name=name_form.cleaned_data["full_name"],  # type: ignore[union-attr]
                        password=password,
                        code=code,
                        now=now,
                    )
                elif link.kind == AccountLink.Kind.RESET:
                    members.second_factor_reenrol(token=token, code=code, now=now)
                else:
                    members.account_enrol(token=token, password=password, code=code, now=now)
            except Refusal as refusal:
                target = {"code": code_form, "password": password_form}.get(refusal.field or "")
                if target is not None:
                    target.add_error(refusal.field, str(refusal.message))
                else:
                    error = str(refusal.message)
                status = refusal.status if refusal.status != 404 else 400
            else:
                request.session.pop(LINK_TOKEN, None)
                messages.success(request, _("Your sign-in is set up. Sign in now."))
                return redirect("staff:login")
    label = link.email or (link.user.username if link.user else "")
    url = _otp_url(link.totp_key, label)
    return render(
        request,
        "staff/account_link.html",
        {
            "link": link,
            "office_name": link.office.name_in(translation.get_language()) if link.office else "",
            "roles": link.role_labels,
            "forms": [f for f in (name_form, password_form) if f],
            "code_form": code_form,
            "qr_svg": qr_svg(url, scale=4, title=_("QR code")),
            "secret": b32encode(bytes.fromhex(link.totp_key)).decode(),
            "error": error,
        },
        status=status,
    )


def _join_existing(
    request: HttpRequest, token: str, link: AccountLink, invited: User
) -> HttpResponse:
    """She has an account: she signs in as herself, then accepts. Nothing here tells anyone
    else which offices she works for."""
    user = request.user
    signed_in = user.is_authenticated and user.is_verified()  # type: ignore[union-attr]
    context = {
        "link": link,
        "join": True,
        "office_name": link.office.name_in(translation.get_language()) if link.office else "",
        "roles": link.role_labels,
        "signed_in": signed_in,
    }
    if not signed_in:
        request.session[LINK_TOKEN] = token
        context["login_url"] = (
            reverse("staff:login") + "?" + urlencode({"next": reverse("staff:account_link")})
        )
        return render(request, "staff/account_link.html", context)
    if request.method == "POST":
        try:
            members.invitation_accept_existing(token=token, user=user, now=timezone.now())  # type: ignore[arg-type]
        except Refusal as refusal:
            context["error"] = str(refusal.message)
            return render(request, "staff/account_link.html", context, status=refusal.status)
        request.session.pop(LINK_TOKEN, None)
        messages.success(request, _("You joined %(office)s.") % {"office": context["office_name"]})
        return redirect("staff:home")
    return render(request, "staff/account_link.html", context)


# --- the staff language switch -------------------------------------------------------------------


@require_POST
@verified_staff
def staff_language(request: HttpRequest) -> HttpResponse:
    """Remember the language of her staff pages (German unless she chooses another)."""
    form = StaffLanguageForm(request.POST)
    if form.is_valid():
        members.staff_language_set(user=request.user, language=form.cleaned_data["staff_language"])  # type: ignore[arg-type]
        remember_staff_language(request)
    next_url = request.POST.get("next", "")
    own = url_has_allowed_host_and_scheme(next_url, {request.get_host()})
    if not (own and next_url.startswith("/staff/")):
        next_url = reverse("staff:home")
    return redirect(next_url)
