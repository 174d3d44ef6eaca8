"""Refusals of office settings (schalter.errors.Refusal)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from schalter.errors import Refusal


class PartUnknown(Refusal):
    status = 404
    code = "part_unknown"
    message = _("There is no such part.")


class PartRequirementMissing(Refusal):
    status = 409
    code = "part_requirement_missing"
    message = _("This part cannot be switched on yet.")

    def __init__(self, missing: list[str]):
        super().__init__(
            format_lazy("{} {}", _("This part cannot be switched on yet."), " ".join(missing))
        )
        self.missing = missing


class OfficeDataRefused(Refusal):
    """Office details, hours, closures or a logo the office cannot take as given."""

    status = 400
    code = "office_data_refused"
    message = _("Please check your entry.")


class LogoTooLarge(OfficeDataRefused):
    status = 413
    code = "logo_too_large"
    message = _("The logo is too large. Upload a PNG or JPEG of at most 2 MB.")


class OfficeSuspended(Refusal):
    status = 409
    code = "office_suspended"
    message = _("This office is suspended.")
