"""Staff sign-in: password, then a TOTP code (enrolled on first sign-in). Failures lock the pair
of the name and the client address they came from (never the name everywhere: an attacker must
not be able to lock someone out), too many failures from one address hold it back for any name,
and known and unknown names get the same answers; accounts/services.py says how."""

from django.contrib import auth
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from schalter.accounts import selectors, services
from schalter.accounts.selectors import SignInHold
from schalter.appointments.ratelimit import client_address
from schalter.links import qr_svg
from schalter.staff.forms import CodeForm, PasswordForm
from schalter.staff.guards import remember_staff_language

PENDING = "staff_pending_user"
NEXT = "staff_next"


def _locked_message(until) -> str:
    local = timezone.localtime(until)
    return _("Too many failed attempts. Your account is locked until %(time)s.") % {
        "time": formats.time_format(local, "H:i")
    }


def _held_message(hold: SignInHold) -> str:
    if hold.until is None:  # this address, for any name
        return _("Too many attempts. Please wait a while and try again.")
    return _locked_message(hold.until)


def _hold(request: HttpRequest, name: str) -> SignInHold | None:
    return selectors.sign_in_hold(name=name, address=client_address(request), now=timezone.now())


def _failure(request: HttpRequest, name: str, step: str) -> tuple[str, int] | None:
    """Count a failure; the locked answer once it locks this name at this address."""
    locked = services.sign_in_failure_record(
        name=name, address=client_address(request), step=step, now=timezone.now()
    )
    return (_locked_message(locked), 429) if locked else None


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING)
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


@sensitive_post_parameters("password")
def login_password(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["username"]
        if hold := _hold(request, name):  # nothing is hashed for a held name, known or not
            error, status = _held_message(hold), 429
        elif (
            user := auth.authenticate(
                request, username=name, password=form.cleaned_data["password"]
            )
        ) is None:
            # Django's ModelBackend hashed the password for an unknown name all the same, and
            # the failure is counted alike: neither the answer nor its time tells the names apart.
            error, status = _failure(request, name, "password") or (
                _("Wrong user name or password."),
                400,
            )
        elif selectors.enrolment_required(user=user):
            # Her second factor was reset: only the link mailed to her lets her in again.
            error, status = (
                _(
                    "Your second factor was reset. Set up a new one with the link we sent you "
                    "by e-mail; your office admin can send a new link."
                ),
                403,
            )
        else:
            request.session.cycle_key()
            request.session[PENDING] = user.pk
            next_url = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                request.session[NEXT] = next_url
            has_device = services.totp_device_for(user=user, confirmed=True) is not None
            return redirect("staff:login_code" if has_device else "staff:login_setup")
    elif request.method == "POST":
        status = 400
    return render(request, "staff/login.html", {"form": form, "error": error}, status=status)


def _finish_login(request: HttpRequest, user: User, device) -> HttpResponse:
    next_url = request.session.pop(NEXT, "") or "/staff/"
    request.session.pop(PENDING, None)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    remember_staff_language(request)  # read once here, not on every staff page
    services.sign_in_success_record(user=user, address=client_address(request))
    return redirect(next_url)


def _check_code(request: HttpRequest, user: User, device, form: CodeForm) -> tuple[str, int]:
    """Verify the code; count a wrong one. Returns an error and status, or ("", 200) on success."""
    hold = _hold(request, user.username)
    if hold:
        return _held_message(hold), 429
    if device.verify_token(form.cleaned_data["code"]):
        return "", 200
    return _failure(request, user.username, "code") or (
        _("This code is not right. Check the time on your phone and try the newest code."),
        400,
    )


def _code_step(request: HttpRequest, user: User, device) -> tuple[CodeForm, str, int]:
    """Shared by sign-in and enrolment: check a posted code and count failures.
    Status 200 after a POST means the code was right."""
    form = CodeForm(request.POST or None)
    if request.method != "POST":
        return form, "", 200
    if not form.is_valid():
        return form, "", 400
    error, status = _check_code(request, user, device, form)
    return form, error, status


def login_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    device = services.totp_device_for(user=user, confirmed=True) if user else None
    if device is None:
        return redirect("staff:login")
    form, error, status = _code_step(request, user, device)
    if request.method == "POST" and status == 200:
        return _finish_login(request, user, device)
    return render(request, "staff/login_code.html", {"form": form, "error": error}, status=status)


def login_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: show the new secret as a QR code and confirm it with a first code."""
    user = _pending_user(request)
    if (
        user is None
        or services.totp_device_for(user=user, confirmed=True) is not None
        or selectors.enrolment_required(user=user)  # a reset: only her mailed link enrols
    ):
        return redirect("staff:login")
    device = services.totp_device_start(user=user)
    form, error, status = _code_step(request, user, device)
    if request.method == "POST" and status == 200:
        services.totp_device_confirm(device=device)
        return _finish_login(request, user, device)
    qr = qr_svg(device.config_url, scale=4, title=_("QR code"))
    return render(
        request,
        "staff/login_setup.html",
        {
            "form": form,
            "error": error,
            "qr_svg": qr,
            "secret": device.config_url.split("secret=")[1].split("&")[0],
        },
        status=status,
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("staff:login")
