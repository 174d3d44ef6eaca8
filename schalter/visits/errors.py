"""Why a visit step was refused. Each error knows its HTTP status and a message for the client."""

from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal


class VisitError(Refusal):
    """A visit step refused (issuing, checking in, calling, the desk, wait-anywhere)."""


class CodeUnknown(VisitError):
    status = 404
    code = "code_unknown"
    message = _("We do not know this booking code. Please check it or ask at the front desk.")


class CodeOtherOffice(VisitError):
    status = 409
    code = "code_other_office"
    message = _("This appointment is at another office. Please check the address in your e-mail.")


class CodeOtherDay(VisitError):
    status = 409
    code = "code_other_day"
    message = _("This appointment is not today. Please come on the day of your appointment.")


class CodeNotConfirmed(VisitError):
    status = 409
    code = "code_not_confirmed"
    message = _("This appointment is not confirmed. Please ask at the front desk.")


class AlreadyCheckedIn(VisitError):
    status = 409
    code = "already_checked_in"
    message = _("You have already checked in for this appointment. Please wait to be called.")


class OfficeClosed(VisitError):
    status = 409
    code = "office_closed"
    message = _("The office is closed now. Tickets are given during opening hours only.")


class WalkInsNotAllowed(VisitError):
    status = 409
    code = "walk_ins_not_allowed"
    message = _("This service is by appointment only. Please book an appointment.")


class QuotaReached(VisitError):
    status = 409
    code = "quota_reached"
    message = _("All tickets for today have been given out. Please come back another day.")


class DeskTaken(VisitError):
    status = 409
    code = "desk_taken"
    message = _("Someone else is working at this desk.")


class DeskBusy(VisitError):
    status = 409
    code = "desk_busy"
    message = _("Finish, park or transfer the current client before calling the next one.")


class NotAtDesk(VisitError):
    status = 409
    code = "not_at_desk"
    message = _("This ticket is not at your desk or has moved on.")


class WrongState(VisitError):
    status = 409
    code = "wrong_state"
    message = _("This step is not possible for this ticket now.")


class KioskLocked(VisitError):
    status = 403
    code = "kiosk_locked"
    message = _("This kiosk is not unlocked. Please ask at the front desk.")


class Busy(VisitError):
    status = 503
    code = "busy"
    message = _("Many people are taking tickets right now. Please try again in a moment.")


class NoQueue(VisitError):
    status = 409
    code = "no_queue"
    message = _("There is no queue for this service here. Please ask at the front desk.")


class NoteTooLong(VisitError):
    status = 400
    code = "note_too_long"
    message = _("Please keep the note to 500 characters.")


class InvalidMobile(VisitError):
    status = 422
    code = "invalid_mobile"
    message = _("Please give a mobile phone number, for example +49 151 23456789.")
