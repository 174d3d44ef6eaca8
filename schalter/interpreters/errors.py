"""Refusals of the interpreter services, on the shared base (schalter/errors.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal


class InterpreterError(Refusal):
    code = "interpreter_invalid"
    message = _("This request cannot be processed.")


class UnknownLanguage(InterpreterError):
    code = "unknown_language"


class AvailabilityOverlap(InterpreterError):
    code = "availability_overlap"
    message = _("This time overlaps a window she is already available in.")


class InterpreterBusy(InterpreterError):
    status = 409
    code = "interpreter_busy"
    message = _("The interpreter is already booked at this time.")


class RequestWentElsewhere(InterpreterError):
    status = 409
    code = "request_went_elsewhere"
    message = _(
        "This request is no longer open for you: it has gone to another interpreter or was "
        "withdrawn. Nothing else has changed."
    )


class ReportInvalid(InterpreterError):
    code = "report_invalid"


class SignInLinkInvalid(InterpreterError):
    status = 403
    code = "sign_in_link_invalid"
    message = _("This sign-in link has been used already or has expired. Ask for a new one below.")
