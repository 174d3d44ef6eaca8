"""Callbacks as a part an office switches on (offices/parts.py): voicemails and requests from the
website become callbacks on a worklist. Off: no new callback is taken in (the receiver rejects the
office's mail, the request form answers 404); open callbacks stay on the worklist until done."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from schalter.accounts.roles import Capability
from schalter.callbacks.models import Callback, State
from schalter.offices.models import Office
from schalter.offices.parts import MenuItem, Part

CALLBACKS = "callbacks"


def _open_work(office: Office) -> list[str]:
    with scopes_disabled():
        waiting = Callback.objects.filter(office=office).exclude(state=State.CLOSED).count()
    if not waiting:
        return []
    return [
        ngettext(
            "%(count)s callback is still open.",
            "%(count)s callbacks are still open.",
            waiting,
        )
        % {"count": waiting}
    ]


CALLBACKS_PART = Part(
    name=CALLBACKS,
    label=_("Callbacks"),
    description=_(
        "Voicemails and callback requests from the website become callbacks on a worklist, "
        "each with a deadline; callers get a text message when to expect the call."
    ),
    routes=frozenset(
        {
            "public:callback_request",
            "api-v1:callback_request",
            # The office admin's settings page (staff/callback_settings_views.py).
            "staff:callback_settings",
            "staff:callback_mailbox_new",
            "staff:callback_mailbox",
            "staff:callback_pattern_new",
            "staff:callback_pattern",
        }
    ),
    kept_routes=frozenset(
        {
            "public:callback_status",
            "public:callback_withdraw",
            "staff:callbacks",
            "staff:callback",
            "staff:callback_audio",
            "staff:callback_claim",
            "staff:callback_attempt",
            "staff:callback_book",
            "staff:callback_release",
        }
    ),
    menu=(
        MenuItem(_("Callbacks"), "staff:callbacks", Capability.WORK_CALLBACKS, kept=True),
        MenuItem(_("Callback settings"), "staff:callback_settings", Capability.MANAGE_OFFICE),
    ),
    open_work=_open_work,
    on_by_default=False,
)
