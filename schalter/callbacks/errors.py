"""Refusals of callback steps, on the shared refusal base (schalter/errors.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal


class CallbackError(Refusal):
    pass


class Busy(CallbackError):
    status = 503
    code = "busy"
    message = _("Many people are working on callbacks right now. Please try again in a moment.")


class NotClaimable(CallbackError):
    status = 409
    code = "not_claimable"
    message = _("Someone else is already working on this callback.")


class NotYours(CallbackError):
    status = 409
    code = "not_yours"
    message = _("Take this callback first.")


class AlreadyClosed(CallbackError):
    status = 409
    code = "closed"
    message = _("This callback is already closed.")
