"""Figures as people read them in the active language, and as machines read them: the one rule
for the numbers and days of the insights tables, the charts (schalter/charts.py) and the Bilanz
PDF. German pages say "1,0", "50,0 %", "232,50 €" and "03.03.2031"; English ones "1.0",
"50.0 %", "232.50 €"; every language what Django's locale formats (and schalter/formats) give.

A formatted figure is a `Shown`: the text for people (a str, so templates, SVG and tests use it
as text) that keeps its value in `machine`, which the exports write (XLSX cells are numbers,
CSV has a dot). Format while the page's language is active: the text is fixed when made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format

MISSING = "–"


class Shown(str):
    """A figure's text in the active language; `machine` is the value itself, `unit` its unit."""

    machine: int | float | Decimal | date
    unit: str

    def __new__(cls, text: str, machine: int | float | Decimal | date, unit: str = "") -> Shown:
        shown = super().__new__(cls, text)
        shown.machine = machine
        shown.unit = unit
        return shown


def _places(value: int | float | Decimal) -> int:
    if isinstance(value, bool | int):
        return 0
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    return 1


def number_text(
    value: int | float | Decimal | None, unit: str = "", places: int | None = None
) -> str:
    """`value` with the active language's separators (thousands grouped), `places` decimals
    (default: none for whole numbers, a Decimal's own, one for a float), then its unit."""
    if value is None:
        return MISSING
    shown = number_format(
        value, _places(value) if places is None else places, use_l10n=True, force_grouping=True
    )
    return Shown(f"{shown} {unit}".strip(), value, unit)


def share_text(value: float | None) -> str:
    """A percentage: "50,0 %"."""
    return number_text(value, "%", 1)


def money_text(value: Decimal | None) -> str:
    """An amount in euros: "1.232,50 €"."""
    return number_text(value, "€", 2)


def change_text(value: float | None) -> str:
    """A difference with its sign: "+6", "-1,5", "0" (as few decimals as it has, at most one)."""
    if value is None:
        return MISSING
    places = 0 if float(value).is_integer() else 1
    text = number_format(abs(value), places, use_l10n=True, force_grouping=True)
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return Shown(f"{sign}{text}", value)


def tick_text(value: float) -> str:
    """An axis tick: as many decimals as it needs to be right (0.25 → "0,25"), at most three."""
    places = next((p for p in range(4) if abs(round(value, p) - value) < 1e-9), 3)
    return number_text(value, "", places)


def day_text(day: date) -> str:
    """A day in the active language's short form: "03.03.2031"."""
    return Shown(date_format(day, "SHORT_DATE_FORMAT"), day)


def month_text(month: date) -> str:
    """A month in the active language: "März 2031"."""
    return Shown(date_format(month, "YEAR_MONTH_FORMAT"), month)


def machine(cell: object) -> object:
    """What an export writes for a cell: a figure's value (a number, a day), else the cell."""
    return cell.machine if isinstance(cell, Shown) else cell
