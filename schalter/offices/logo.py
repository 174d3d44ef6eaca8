"""The office's logo for documents: only PNG and JPEG, checked by Pillow and re-encoded as a
fresh PNG, so nothing of the upload but its pixels is ever served or printed (no SVG with
script, no EXIF, no polyglot file). Bounded in bytes and in pixels (a small file may unpack to
gigapixels: the size is read from the header before any pixel is decoded)."""

import io

from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from schalter.offices.errors import LogoTooLarge, OfficeDataRefused

MAX_BYTES = 2 * 1024 * 1024
# Pixels an upload may have at most (decoded), and the box the stored logo is scaled into.
MAX_PIXELS = 4000 * 4000
STORED_BOX = (1200, 600)
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG"})


def logo_reencode(data: bytes) -> bytes:
    """The PNG to store for an uploaded logo; refuses (OfficeDataRefused) anything else."""
    if len(data) > MAX_BYTES:
        raise LogoTooLarge(field="logo")
    not_an_image = OfficeDataRefused(
        _("The logo must be a PNG or JPEG image (SVG is not accepted)."), field="logo"
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise not_an_image
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise OfficeDataRefused(
                    _("The logo has too many pixels: at most 4000 × 4000."), field="logo"
                )
            probe.verify()  # structure and checksums; the image must be opened again after it
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            fresh = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            fresh.thumbnail(STORED_BOX)
            out = io.BytesIO()
            fresh.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return out.getvalue()
