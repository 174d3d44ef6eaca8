"""Callbacks as a part an office switches on (offices/parts.py): voicemails and requests from the
website become callbacks on a worklist. Off: no new callback is taken in (the receiver rejects the
office's mail, the request form answers 404); open callbacks stay on the worklist until done."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from schalter.callbacks.models import Callback, State
from schalter.offices.models import Office
from schalter.offices.parts import Part

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
    # The worklist, its request form and its API follow (issue 14); then the worklist and the
    # recordings of open callbacks may become kept routes, served while the part is off.
    routes=frozenset({"staff:callback_audio"}),
    open_work=_open_work,
    on_by_default=False,
)
