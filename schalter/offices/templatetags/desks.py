from django import template
from django.utils.html import format_html, format_html_join

from schalter.offices import palette

register = template.Library()


@register.simple_tag(takes_context=True)
def palette_styles(context: template.Context) -> str:
    """One class per desk colour, from the palette itself, inside the page's CSP nonce."""
    rules = format_html_join(
        "",
        ".desk-colour--{}{{background:{};color:{}}}",
        ((c.key, c.background, c.text) for c in palette.PALETTE),
    )
    return format_html('<style nonce="{}">{}</style>', context.get("csp_nonce", ""), rules)


@register.inclusion_tag("desk_badge.html")
def desk_badge(desk, size: str = "normal") -> dict[str, object]:
    colour = desk.palette_colour
    return {"desk": desk, "colour": colour, "shape": palette.SHAPES[colour.shape], "size": size}
