"""Every staff view passes through these: two factors, office membership, capability, scope."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django_scopes import scope

from schalter.accounts.selectors import office_access, staff_language_of
from schalter.offices.gate import suspended_response

View = Callable[..., HttpResponse]


# Her chosen staff language, kept in the session once read (the staff menu's switch updates it),
# so a staff page pays no query for it.
STAFF_LANGUAGE_SESSION_KEY = "staff_language"


def remember_staff_language(request: HttpRequest) -> str:
    """Keep her chosen staff language in the session (at sign-in, and after she switches)."""
    language = staff_language_of(user=request.user)
    request.session[STAFF_LANGUAGE_SESSION_KEY] = language
    return language


def staff_language(request: HttpRequest) -> str:
    """The language she chose for her staff pages, or "" (as the browser asks)."""
    language = request.session.get(STAFF_LANGUAGE_SESSION_KEY)
    return remember_staff_language(request) if language is None else language


def verified_staff(view: View) -> View:
    """Signed in with password and a second factor; the page in the language she chose for
    her staff pages (the staff menu's switch), else as the browser asks (German by default)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_authenticated and request.user.is_verified()):
            return redirect_to_login(request.get_full_path())
        language = staff_language(request)
        if not language:
            return view(request, *args, **kwargs)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapper


def office_view(capability: str) -> Callable[[View], View]:
    """Resolve `office` from the URL among the user's offices (else 404), check the capability
    (else 403), and run the view inside the office's scope with `request.access` set."""

    def decorator(view: View) -> View:
        @verified_staff
        @wraps(view)
        def wrapper(request: HttpRequest, office: str, *args, **kwargs) -> HttpResponse:
            access = office_access(user=request.user, office_slug=office)
            if access.office.suspended_at is not None:  # the operator suspended it
                return suspended_response(request, "staff", access.office)
            if not access.may(capability):
                raise PermissionDenied
            request.access = access
            with scope(office=access.office):
                return view(request, access.office, *args, **kwargs)

        return wrapper

    return decorator
