"""Invoice pages as images (`invoicing.images`): the page count, PNG and JPEG at 150 dpi of the page
asked for, and the refusals — a page that does not exist (404 at `page`) and a format that is not
PNG, JPG or JPEG (400 at `format`)."""

from __future__ import annotations

import io
from typing import cast

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.pdfgen.canvas import Canvas

from kirjuri.core.errors import KirjuriError
from kirjuri.invoicing import images
from kirjuri.invoicing.images import page_count, page_image
from kirjuri.invoicing.render import render_pdf
from tests.invoicing.test_render import invoice, long_invoice

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# Page sizes at 150 dpi, pixels rounded up (PDFium's rule): A4 is 595.28 × 841.89 pt → 1240.2 × 1753.9 px,
# A5 landscape 595.28 × 419.53 pt → 1240.2 × 874.0 px.
SIZES = [(1241, 1754), (1241, 875), (1241, 1754)]


def _three_pages() -> bytes:
    """A4 white, A5 landscape white, A4 filled black: each page tells itself apart by size or colour."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    canvas.showPage()
    canvas.setPageSize(landscape(A5))
    canvas.showPage()
    canvas.setPageSize(A4)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.rect(0, 0, A4[0], A4[1], stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


PDF = _three_pages()


def _grey_extrema(image: Image.Image) -> tuple[int, int]:
    """The darkest and the lightest grey value of an image."""
    darkest, lightest = cast(tuple[int, int], image.convert("L").getextrema())
    return darkest, lightest


def _image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_page_count() -> None:
    assert page_count(PDF) == 3
    assert page_count(render_pdf(invoice())) == 1
    assert page_count(render_pdf(long_invoice())) >= 2


@pytest.mark.parametrize(("page", "size"), list(enumerate(SIZES, start=1)))
@pytest.mark.parametrize(
    ("fmt", "magic", "pillow_format"),
    [("PNG", PNG_MAGIC, "PNG"), ("JPG", JPEG_MAGIC, "JPEG"), ("JPEG", JPEG_MAGIC, "JPEG"), ("png", PNG_MAGIC, "PNG")],
)
def test_page_image(page: int, size: tuple[int, int], fmt: str, magic: bytes, pillow_format: str) -> None:
    data = page_image(PDF, page=page, fmt=fmt)
    assert data.startswith(magic)
    image = _image(data)
    assert image.format == pillow_format
    assert image.size == size
    assert image.mode == "RGB"
    assert round(image.info["dpi"][0]) == 150
    # The page asked for, not another one of the same size: page 3 is black, page 1 white.
    darkest, lightest = _grey_extrema(image)
    if page == 3:
        assert lightest < 40
    else:
        assert darkest > 215


def test_jpg_and_jpeg_are_the_same_picture() -> None:
    assert page_image(PDF, page=1, fmt="JPG") == page_image(PDF, page=1, fmt="JPEG")


def test_rendered_invoice_pages() -> None:
    pdf = render_pdf(long_invoice())
    for page in range(1, page_count(pdf) + 1):
        image = _image(page_image(pdf, page=page, fmt="PNG"))
        assert image.size == (1241, 1754)
        # Something is printed on every page (the footer at least).
        assert _grey_extrema(image)[0] < 100


@pytest.mark.parametrize("page", [0, -1, 4, 100])
def test_a_page_that_does_not_exist(page: int) -> None:
    with pytest.raises(KirjuriError) as caught:
        page_image(PDF, page=page, fmt="PNG")
    assert (caught.value.code, caught.value.status, caught.value.field) == ("PAGE_NOT_FOUND", 404, "page")


@pytest.mark.parametrize("fmt", ["GIF", "TIFF", "", "PDF", "JPEG2000", "P NG"])
def test_a_format_that_is_not_offered(fmt: str) -> None:
    with pytest.raises(KirjuriError) as caught:
        page_image(PDF, page=1, fmt=fmt)
    assert (caught.value.code, caught.value.status, caught.value.field) == ("INVALID_FORMAT", 400, "format")


def test_the_format_is_checked_before_the_page() -> None:
    with pytest.raises(KirjuriError) as caught:
        page_image(PDF, page=99, fmt="GIF")
    assert caught.value.code == "INVALID_FORMAT"


@pytest.mark.parametrize(
    ("accept", "bare"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("multipart/mixed", False),
        ("image/png, */*;q=0.1", False),
        ("application/json", False),
        ("image/png", True),
        ("image/jpeg", True),
        ("IMAGE/PNG, image/jpeg;q=0.5", True),
        ("image/*", True),
        ("image/png, multipart/mixed;q=0", True),
    ],
)
def test_bare_image_only_for_a_picture_only_accept(accept: str | None, bare: bool) -> None:
    assert images.bare_image(accept) is bare


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("image/jpeg", "JPEG"), ("image/png", "PNG"), ("image/*", "PNG"), ("image/jpeg, image/png", "PNG"), (None, "PNG")],
)
def test_accepted_format(accept: str | None, fmt: str) -> None:
    assert images.accepted_format(accept) == fmt


def test_image_name() -> None:
    assert images.image_name(invoice_id=123, page=1, fmt="PNG") == "invoice-123-page-1.png"
    assert images.image_name(invoice_id=7, page=2, fmt="jpeg") == "invoice-7-page-2.jpg"
