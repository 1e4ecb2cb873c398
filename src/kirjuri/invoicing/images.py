"""Pages of a rendered invoice PDF as images: what `GET /invoices/{id}/image?page=&format=` answers.

Invariants: pages are numbered from 1, as on the wire; a page that does not exist is a 404
`PAGE_NOT_FOUND` at `page`, a format other than PNG, JPG or JPEG a 400 `INVALID_FORMAT` at
`format` (checked first: a bad request is refused before anything is looked up). Pages render at
150 dpi, rounded up to whole pixels (an A4 page is 1241 × 1754). PDFium is not thread-safe and FastAPI runs `def`
endpoints in a thread pool, so every use of it here holds one process-wide lock. PDFium is loaded
on first use, like ReportLab (`sending.render_pdf`): most server processes never draw a page, and
the two take 25 MB of each process that imports them.

The answer's shape (`bare_image`, `image_name`): by default the page comes as `GET /attachments/{id}`
answers, a `multipart/mixed` body of the Attachment metadata and the picture (what the contract's
Attachment type and the PyPI `procountor` client's multipart decoding expect); a client whose
`Accept` names only pictures (`image/png`, `image/jpeg`, `image/*`) gets the bare picture instead.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING

from kirjuri.core.errors import KirjuriError

if TYPE_CHECKING:
    from PIL import Image

DPI = 150
# Wire format name → Pillow format name. JPG and JPEG are the same picture.
FORMATS: dict[str, str] = {"PNG": "PNG", "JPG": "JPEG", "JPEG": "JPEG"}
JPEG_QUALITY = 85

_PDFIUM = threading.Lock()


MEDIA_TYPES: dict[str, str] = {"PNG": "image/png", "JPEG": "image/jpeg"}
EXTENSIONS: dict[str, str] = {"PNG": "png", "JPEG": "jpg"}


def bare_image(accept: str | None) -> bool:
    """True when every media range the client accepts (with a non-zero q) is a picture. No
    `Accept`, `*/*`, `multipart/*` or any other type keeps the multipart answer."""
    ranges: list[str] = []
    for item in (accept or "").split(","):
        media, *params = (p.strip().lower() for p in item.split(";"))
        if not media:
            continue
        if any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
            continue
        ranges.append(media)
    return bool(ranges) and all(r in ("image/png", "image/jpeg", "image/jpg", "image/*") for r in ranges)


def accepted_format(accept: str | None) -> str:
    """The wire format a picture-only `Accept` asks for when no `format` is given: JPEG when it
    names JPEG and not PNG, PNG otherwise (the contract's default)."""
    ranges = {item.split(";")[0].strip().lower() for item in (accept or "").split(",")}
    if ranges & {"image/jpeg", "image/jpg"} and not ranges & {"image/png", "image/*"}:
        return "JPEG"
    return "PNG"


def image_name(*, invoice_id: int, page: int, fmt: str) -> str:
    """`invoice-123-page-1.png`: the name of the picture (the Attachment's `name`)."""
    return f"invoice-{invoice_id}-page-{page}.{EXTENSIONS[_pillow_format(fmt)]}"


def media_type(fmt: str) -> str:
    return MEDIA_TYPES[_pillow_format(fmt)]


def _pillow_format(fmt: str) -> str:
    found = FORMATS.get(fmt.strip().upper()) if isinstance(fmt, str) else None
    if found is None:
        raise KirjuriError("INVALID_FORMAT", 400, "format")
    return found


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium  # on first use: see the module docstring

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def page_image(pdf: bytes, *, page: int, fmt: str) -> bytes:
    """Page `page` (1-based) of `pdf` as PNG or JPEG bytes at 150 dpi. The format is matched
    without regard to case (`png` is PNG)."""
    import pypdfium2 as pdfium  # on first use: see the module docstring

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
