"""Small previews of ticket attachments: images (Pillow) and the first page of a PDF (pypdfium2, PDFium's
maintained Python binding). A preview is made once, on first view, and kept on disk beside the uploads
(``UPLOAD_DIR/thumbnails``), named by the file's digest, so a replaced file never shows an old one. They are
always PNG, made by us from the decoded pixels, so what is served is never the uploaded bytes."""
from __future__ import annotations

import logging
from pathlib import Path

from tracker.core import attachments as storage
from tracker.tickets.attachments import disk_path
from tracker.tickets.models import Attachment

SIZE = 240  # pixels, the longer side
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"}
PDF_TYPES = {"application/pdf"}
MAX_PIXELS = 40_000_000  # a larger image is not decoded (a "decompression bomb")

log = logging.getLogger(__name__)


def can_preview(attachment: Attachment) -> bool:
    return (attachment.content_type or "").lower() in IMAGE_TYPES | PDF_TYPES


def cache_path(attachment: Attachment) -> Path:
    return storage.upload_root() / "thumbnails" / f"{attachment.id}-{(attachment.digest or 'x')[:16]}-{SIZE}.png"


def thumbnail(attachment: Attachment) -> Path | None:
    """The preview's path (made now if needed), or None when the file cannot be previewed."""
    if not can_preview(attachment):
        return None
    target = cache_path(attachment)
    if target.is_file():
        return target
    source = disk_path(attachment)
    if not source.is_file():
        return None
    try:
        image = _render_pdf(source) if attachment.content_type.lower() in PDF_TYPES else _open_image(source)
        image.thumbnail((SIZE, SIZE))
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".tmp")
        image.save(partial, "PNG", optimize=True)
        partial.replace(target)  # whole or not at all: two requests may make it at once
    except Exception:  # a broken or hostile file gets no preview, never a 500
        log.warning("no thumbnail for attachment %s", attachment.id, exc_info=True)
        return None
    return target


def _open_image(source: Path):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    image = Image.open(source)
    image.seek(0)
    image.load()
    return image


def _render_pdf(source: Path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(source))
    try:
        page = pdf[0]
        width, height = page.get_size()
        scale = min(2.0, SIZE * 2 / max(width, height, 1))
        return page.render(scale=scale).to_pil()
    finally:
        pdf.close()
