"""PDF helpers: poppler's command-line tools read what WeasyPrint wrote."""

import re
import struct
import subprocess
import tempfile
import unicodedata
import zlib
from pathlib import Path

import pytest

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.catalog.catalogue import DOCUMENTS
from schalter.catalog.models import Service
from schalter.demo.seed import in_every_language


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


# pdftotext marks right-to-left runs with bidi controls and writes the lam-alef ligature as
# alef + lam; both are undone so the text compares with what we stored.
BIDI_CONTROLS = re.compile("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069]")
LAM_ALEF = re.compile("\u0644([\u0622\u0623\u0625\u0627])")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", BIDI_CONTROLS.sub("", text))
    return " ".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return normalise(_poppler("pdftotext", pdf))


def as_extracted(phrase: str) -> str:
    return LAM_ALEF.sub(lambda m: m.group(1) + "\u0644", normalise(phrase))


def has_words(text: str, phrase: str) -> bool:
    """Every word of the phrase is in the text. Where numbers and brackets sit inside
    right-to-left text, pdftotext may reorder the runs, so whole phrases cannot be compared."""
    words = set(re.findall(r"[^\W\d_]+", text))
    return all(word in words for word in re.findall(r"[^\W\d_]+", as_extracted(phrase)))


def pdf_info(pdf: bytes) -> dict[str, str]:
    lines = _poppler("pdfinfo", pdf).splitlines()
    return {k.strip(): v.strip() for k, _sep, v in (line.partition(":") for line in lines)}


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """Rows of `pdffonts`: name and whether the font is embedded."""
    rows = _poppler("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for row in rows:
        parts = row.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, id
        fonts.append({"name": parts[0], "emb": parts[-5]})
    return fonts


def page_png(pdf: bytes, page: int = 1, dpi: int = 20) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(path),
                str(Path(folder) / "page"),
            ],
            check=True,
        )
        return (Path(folder) / "page.png").read_bytes()


def png_pixels(png: bytes) -> list[tuple[int, int, int]]:
    """RGB pixels of an 8-bit RGB PNG (what pdftoppm writes), read with zlib alone."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height = 8, b"", 0, 0
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", data[:10])
            assert (depth, colour_type) == (8, 2)
        elif kind == b"IDAT":
            idat += data
        position += 12 + length
    raw = zlib.decompress(idat)
    stride, pixels, previous = width * 3, [], bytearray(width * 3)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - 3] if i >= 3 else 0
            up = previous[i]
            up_left = previous[i - 3] if i >= 3 else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
        pixels += [tuple(line[i : i + 3]) for i in range(0, stride, 3)]
        previous = line
    return pixels


def dominant_colour(png: bytes) -> tuple[int, int, int]:
    """The commonest colour that is not (near) white."""
    counts: dict[tuple[int, int, int], int] = {}
    for pixel in png_pixels(png):
        if min(pixel) < 235:
            counts[pixel] = counts.get(pixel, 0) + 1
    return max(counts, key=counts.__getitem__)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


@pytest.fixture(autouse=True)
def pdf_cache_dir(settings, tmp_path):
    """Each test starts with an empty PDF cache of its own, and every request checks the data
    (tests of the freshness window set SCHALTER_PDF_FRESH_SECONDS themselves)."""
    settings.SCHALTER_PDF_CACHE_DIR = tmp_path / "pdf-cache"
    settings.SCHALTER_PDF_FRESH_SECONDS = 0
    return settings.SCHALTER_PDF_CACHE_DIR


@pytest.fixture
def residence_permit(office) -> Service:
    """A catalogue service with every translation, as seed_demo stores it, offered by `office`."""
    service = Service.objects.create(
        slug="residence-permit",
        name=in_every_language("Issue a residence permit"),
        legal_basis="§§ 16–38a AufenthG",
        base_fee="100.00",
        exempt_groups=["refugee"],
        documents=[in_every_language(DOCUMENTS[key]) for key in ("passport", "photo")],
    )
    booking.office_service_set(
        office=office, service=service, duration_minutes=30, acting_user=COMMAND
    )
    return service
