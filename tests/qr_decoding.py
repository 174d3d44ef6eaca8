"""Reading QR codes back as a phone would: zxing-cpp decodes a browser's screenshot of each code at
the size it is shown, or a PDF page rasterised by poppler at a printer's resolution."""

import io
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image

PRINT_DPI = 150  # coarser than any receipt or office printer: what decodes here decodes on paper


def decoded(png: bytes) -> list[str]:
    """The text of every QR code in the image."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return [
        result.text
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if result.valid
    ]


def pdf_pages(pdf: bytes, dpi: int = PRINT_DPI) -> list[bytes]:
    """Each page of the PDF as a PNG, as a printer at `dpi` would put it on paper."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(path), str(Path(folder) / "page")],
            check=True,
        )
        return [page.read_bytes() for page in sorted(Path(folder).glob("page*.png"))]
