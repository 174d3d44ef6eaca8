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
