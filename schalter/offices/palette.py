"""Desk colours. Each colour has a name and a shape, so colour is never the only cue (WCAG 1.4.1).

The text colour on each background meets 4.5:1 contrast (checked in tests/offices/test_palette.py).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DeskColour:
    key: str
    name: Promise
    background: str
    text: str
    shape: str  # key into SHAPES
    symbol: str  # the shape as a character, for places where an SVG does not fit (speech, SMS)


SHAPES = {
    "circle": _("circle"),
    "square": _("square"),
    "triangle": _("triangle"),
    "diamond": _("diamond"),
    "star": _("star"),
    "hexagon": _("hexagon"),
    "cross": _("cross"),
    "heart": _("heart"),
}

PALETTE: tuple[DeskColour, ...] = (
    DeskColour("blue", _("blue"), "#0b4f9c", "#ffffff", "circle", "●"),
    DeskColour("green", _("green"), "#146c2e", "#ffffff", "triangle", "▲"),
    DeskColour("red", _("red"), "#b3141e", "#ffffff", "square", "■"),
    DeskColour("yellow", _("yellow"), "#ffd53d", "#1b1b1b", "star", "★"),
    DeskColour("purple", _("purple"), "#6a2c91", "#ffffff", "diamond", "◆"),
    DeskColour("orange", _("orange"), "#b84f00", "#ffffff", "hexagon", "⬢"),
    DeskColour("turquoise", _("turquoise"), "#006d75", "#ffffff", "cross", "✚"),
    DeskColour("pink", _("pink"), "#b0246a", "#ffffff", "heart", "♥"),
)
BY_KEY = {colour.key: colour for colour in PALETTE}
CHOICES = [(colour.key, colour.name) for colour in PALETTE]
