import base64

from django import template

from schalter.offices.models import Office

register = template.Library()


@register.filter
def logo_data_uri(office: Office) -> str:
    """The office's logo (a PNG re-encoded by offices.logo) inline, for printed documents: the
    PDF's key is the HTML, so a new logo makes a new PDF."""
    data = bytes(office.logo_png or b"")
    if not data:
        return ""
    # Base64 has no character HTML escaping would change.
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
