"""Pages of a rendered invoice PDF as images: what `GET /invoices/{id}/image?page=&format=` answers.

Invariants: pages are numbered from 1, as on the wire; a page that does not exist is a 404
`PAGE_NOT_FOUND` at `page`, a format other than PNG, JPG or JPEG a 400 `INVALID_FORMAT` at
`format` (checked first: a bad request is refused before anything is looked up). Pages render at
150 dpi, rounded up to whole pixels (an A4 page is 1241 × 1754). PDFium is not thread-safe and FastAPI runs `def`
endpoints in a thread pool, so every use of it here holds one process-wide lock.
"""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium
from PIL import Image

from kirjuri.core.errors import KirjuriError

DPI = 150
# Wire format name → Pillow format name. JPG and JPEG are the same picture.
FORMATS: dict[str, str] = {"PNG": "PNG", "JPG": "JPEG", "JPEG": "JPEG"}
JPEG_QUALITY = 85

_PDFIUM = threading.Lock()


def _pillow_format(fmt: str) -> str:
    found = FORMATS.get(fmt.strip().upper()) if isinstance(fmt, str) else None
    if found is None:
        raise KirjuriError("INVALID_FORMAT", 400, "format")
    return found


def page_count(pdf: bytes) -> int:
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def page_image(pdf: bytes, *, page: int, fmt: str) -> bytes:
    """Page `page` (1-based) of `pdf` as PNG or JPEG bytes at 150 dpi. The format is matched
    without regard to case (`png` is PNG)."""
    pillow_format = _pillow_format(fmt)
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            if not 1 <= page <= len(document):
                raise KirjuriError("PAGE_NOT_FOUND", 404, "page")
            bitmap = document[page - 1].render(scale=DPI / 72)
            image: Image.Image = bitmap.to_pil().copy()  # owns its pixels once the PDF is closed
        finally:
            document.close()
    return _encode(image, pillow_format)


def _encode(image: Image.Image, pillow_format: str) -> bytes:
    out = io.BytesIO()
    if pillow_format == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, dpi=(DPI, DPI))
    else:
        image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()
