"""Why a booking step was refused. Each error knows its HTTP status and a message for the client."""

from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal


class BookingError(Refusal):
    """A booking step refused (booking, confirming, moving, cancelling, the waiting list)."""


class SlotUnavailable(BookingError):
    status = 409
    code = "slot_unavailable"
    message = _("This time has just been taken. Please choose another time.")


class AlreadyBooked(BookingError):
    status = 409
    code = "already_booked"
    message = _(
        "You already have an appointment for this service. Cancel it first to book another."
    )


class OutsideWindow(BookingError):
    status = 422
    code = "outside_booking_window"
    message = _("Appointments for this service can only be booked for the days offered.")


class ServiceNotOffered(BookingError):
    status = 404
    code = "service_not_offered"
    message = _("This office does not offer this service online.")


class InvalidContact(BookingError):
    status = 422
    code = "invalid_contact"
    message = _("Please give a valid e-mail address or mobile number.")


class InvalidName(BookingError):
    status = 422
    code = "invalid_name"
    message = _("Please enter your name. Invisible characters alone are not a name.")


class TokenInvalid(BookingError):
    status = 403
    code = "token_invalid"
    message = _("This link is not valid or has already been used.")


class NotChangeable(BookingError):
    status = 409
    code = "not_changeable"
    message = _("This appointment can no longer be changed.")


class Busy(BookingError):
    status = 503
    code = "busy"
    message = _("Many people are booking right now. Please try again in a moment.")


class RateLimited(BookingError):
    status = 429
    code = "rate_limited"
    message = _("Too many attempts. Please wait a while and try again.")


class ChallengeFailed(BookingError):
    status = 400
    code = "challenge_failed"
    message = _("The security check was not solved. Please try again.")


class AlreadyWaiting(BookingError):
    status = 409
    code = "already_waiting"
    message = _("You are already on the waiting list for this service.")


class PlanningError(BookingError):
    """A staff planning step refused (time blocks, cancelling a day, ending a rule)."""

    status = 400
    code = "invalid_plan"
    message = _("This change cannot be made.")
