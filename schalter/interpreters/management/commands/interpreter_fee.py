import json
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from schalter.interpreters.fees import Assignment, FeeInputError, Receipt, fee_compute
from schalter.interpreters.selectors import statutory_rates

DEFAULTS = {
    "date": None,
    "start": None,
    "end": None,
    "travel_before_minutes": 0,
    "travel_after_minutes": 0,
    "waiting_minutes": 0,
    "km": 0,
    "unfavourable_time_necessary": False,
    "cancelled_on": None,
    "cancelled_by_interpreter": False,
    "declared_loss": None,
    "engaged_on": None,
    "vat_liable": False,
    "receipts": [],
}


def _decimal(value: object, key: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise CommandError(f"{key}: not a number: {value!r}") from None


def assignment_from(data: dict) -> Assignment:
    """The JSON input (docs/interpreters.md), missing keys taking their defaults."""
    values = {**DEFAULTS, **data}
    try:
        day = date.fromisoformat(values["date"])
        start = time.fromisoformat(values["start"])
        end = time.fromisoformat(values["end"])
        engaged_on = date.fromisoformat(values["engaged_on"]) if values["engaged_on"] else day
        cancelled_on = (
            date.fromisoformat(values["cancelled_on"]) if values["cancelled_on"] else None
        )
    except (TypeError, ValueError) as error:
        raise CommandError(f"date, start, end, engaged_on, cancelled_on: {error}") from None
    receipts = tuple(
        Receipt(
            kind=str(receipt.get("kind", "rail")),
            amount=_decimal(receipt.get("amount"), "receipts"),
        )
        for receipt in values["receipts"]
    )
    loss = values["declared_loss"]
    return Assignment(
        day=day,
        start=start,
        end=end,
        engaged_on=engaged_on,
        travel_before_minutes=int(values["travel_before_minutes"]),
        travel_after_minutes=int(values["travel_after_minutes"]),
        waiting_minutes=int(values["waiting_minutes"]),
        km=_decimal(values["km"], "km"),
        unfavourable_time_necessary=bool(values["unfavourable_time_necessary"]),
        cancelled_on=cancelled_on,
        cancelled_by_interpreter=bool(values["cancelled_by_interpreter"]),
        declared_loss=None if loss is None else _decimal(loss, "declared_loss"),
        vat_liable=bool(values["vat_liable"]),
        receipts=receipts,
    )


class Command(BaseCommand):
    help = (
        "Compute an interpreter's fee for one assignment (JVEG by analogy) from a JSON file and "
        "print it as JSON with the total and every line explained."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON input; see docs/interpreters.md")

    def handle(self, *args, **options):
        # The offices' language, whatever the calling process had active before.
        with translation.override(settings.LANGUAGE_CODE):
            self._compute(options)

    def _compute(self, options):
        try:
            data = json.loads(Path(options["file"]).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        if not isinstance(data, dict):
            raise CommandError("The input must be a JSON object.")
        assignment = assignment_from(data)
        try:
            fee = fee_compute(assignment, rates=statutory_rates())
        except FeeInputError as error:
            raise CommandError(gettext(error.message) % error.params) from None
        result = {
            "total": f"{fee.total:.2f}",
            "currency": "EUR",
            "hourly_rate": f"{fee.rate.hourly:.2f}",
            "minutes": fee.minutes,
            "billed_hours": f"{fee.billed_hours.normalize():f}",
            "unfavourable_minutes": fee.unfavourable_minutes,
            "unfavourable_hours": f"{fee.unfavourable_hours.normalize():f}",
            "lines": [
                {"code": line.code, "text": line.text(), "amount": f"{line.amount:.2f}"}
                for line in fee.lines
            ],
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
