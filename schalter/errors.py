"""The one family of refusals. A service refuses a step by raising a `Refusal`: it carries the
HTTP status an audience answers with, a stable code for machines, and a message translated into
the user's language. Each app derives its own (`BookingError`, `VisitError`, …) from it, and the
audiences catch `Refusal`, so a new app's refusals need no new handler."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    status = 400
    code = "invalid"
    message: str | Promise = _("This request cannot be processed.")

    def __init__(self, message: str | Promise | None = None, *, field: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.field = field  # the form field the refusal is about, if any
