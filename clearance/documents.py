"""The family's documents: checked from their content, cleaned, stored privately, erased.

`document_upload` is the one way a document is written. What is refused
(nothing is stored): more than DOCUMENT_MAX_BYTES; anything whose content is
not a PDF, JPEG or PNG, whatever its name says; an image too large in pixels
to open safely (a "zip bomb" image) or that does not decode; a PDF that does
not open or is locked with a password; a visit that is closed or erased.
Images are decoded and written again by Pillow, so their metadata (EXIF, GPS,
comments) is gone; PDFs are kept as sent once they open.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import uuid
import warnings

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from booking.events import actor_label_for, record_event, staff_note
from booking.messages import tell_coordinators
from booking.models import MessageKind, VisitRequest
from clearance.models import (
    Document,
    DocumentAccess,
    DocumentKind,
    ReadinessCheck,
    ReadinessOverride,
)

logger = logging.getLogger(__name__)

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
# How each type starts: the file's own name and the browser's word are never asked.
SIGNATURES = {b"%PDF-": PDF, b"\xff\xd8\xff": JPEG, b"\x89PNG\r\n\x1a\n": PNG}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
# A 50-megapixel phone photo (8,160 x 6,120) decodes to about 150 MB; anything bigger is
# not a photo of a report, and decoding it could exhaust the web server's memory.
MAX_PIXELS = 50_000_000
# Kept readable, not huge: the longest side after re-encoding.
MAX_SIDE = 4000


class DocumentRefused(ValidationError):
    """The file was not stored; the message says why, in the family's words."""


def _refuse(message: str, code: str) -> DocumentRefused:
    return DocumentRefused({"file": [ValidationError(message, code=code)]})


def too_many_uploads() -> str:
    return _("That is a lot of files in a short time. Please wait a few minutes and send again.")


def sniff(head: bytes) -> str | None:
    """The file's type from its first bytes, or None when it is none we take."""
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def _read(upload: UploadedFile) -> bytes:
    limit = settings.DOCUMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise _refuse(
            _(
                "This file is %(size)s; the most we can take is %(limit)s. A photo of each page will do."
            )
            % {"size": _megabytes(upload.size), "limit": _megabytes(limit)},
            "too_big",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            _("This file is over %(limit)s; the most we can take is %(limit)s.")
            % {"limit": _megabytes(limit)},
            "too_big",
        )
    if not data:
        raise _refuse(_("This file is empty."), "empty")
    return data


def _megabytes(size: int) -> str:
    return _("%(mb)s MB") % {"mb": f"{size / (1024 * 1024):.0f}"}


def _clean_image(data: bytes, content_type: str) -> bytes:
    """Decode the image and write it again without any of its metadata."""
    unreadable = _refuse(
        _("This image could not be opened. Please take the photo again and send it."),
        "bad_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _refuse(
                        _("This image is too large to open safely. Please send a normal photo."),
                        "too_many_pixels",
                    )
                image.load()
                # Turned the way the phone held it, before the orientation tag goes.
                upright = ImageOps.exif_transpose(image)
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
        if content_type == JPEG or upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            upright = upright.convert("RGB")
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
        if upright.mode == "P":
            clean.putpalette(upright.getpalette() or [])
        out = io.BytesIO()
        clean.save(out, format="JPEG" if content_type == JPEG else "PNG", optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("This image is too large to open safely. Please send a normal photo."),
            "too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise unreadable from None
    return out.getvalue()


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse(
                _("This PDF is locked with a password. Please send it without one."), "locked"
            )
        pages = len(reader.pages)
        if pages:
            reader.pages[0].extract_text()
    except DocumentRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        pages = 0
    if not pages:
        raise _refuse(
            _("This PDF does not open. Please send it again, or a photo of each page."), "bad_pdf"
        )


def checked_content(upload: UploadedFile) -> tuple[bytes, str]:
    """The bytes to store and their type, or DocumentRefused saying what is wrong."""
    data = _read(upload)
    content_type = sniff(data[:16])
    if content_type is None:
        raise _refuse(
            _(
                "We can take a PDF, or a photo as JPEG or PNG. This file is none of these, "
                "whatever its name says."
            ),
            "bad_type",
        )
    if content_type == PDF:
        _check_pdf(data)
        return data, content_type
    return _clean_image(data, content_type), content_type


def _refuse_closed(visit_request: VisitRequest) -> None:
    if visit_request.anonymised_at is not None or not visit_request.is_open:
        raise DocumentRefused(
            _("This visit is closed, so we cannot take documents for it. Please call us."),
            code="closed",
        )


def document_upload(
    *, visit_request: VisitRequest, kind: str, upload: UploadedFile, actor: User | None
) -> Document:
    """Check and store one document for the visit; coordinators are told it arrived.

    `actor` None: the family sent it from their link.
    """
    if kind not in DocumentKind.values:
        raise DocumentRefused({"kind": [_("Please say what this document is.")]})
    _refuse_closed(visit_request)
    data, content_type = checked_content(upload)
    name = f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}"
    with transaction.atomic():
        visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
        _refuse_closed(visit_request)
        document = Document(
            visit=visit_request,
            kind=kind,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        document.file.save(name, ContentFile(data), save=False)
        # The file is written before the row: a failed commit must not leave it behind.
        stored = str(document.file.name)
        try:
            document.full_clean(exclude=["visit", "uploaded_by", "file"])
            document.save()
            record_event(
                visit_request,
                from_status=visit_request.status,
                to_status=visit_request.status,
                actor=actor,
                actor_label=actor_label_for(actor, "family"),
                note=staff_note(gettext_lazy("Document received: %(kind)s."))
                % {"kind": staff_note(DocumentKind(kind).label)},
            )
            if actor is None:
                _tell_coordinators(visit_request)
        except Exception:
            document.file.storage.delete(stored)
            raise
    logger.info("document %s received for visit %s", document.pk, visit_request.pk)
    return document


def _tell_coordinators(visit_request: VisitRequest) -> None:
    # One alert per document: the outbox keeps one row per kind and "version",
    # so the version of a document alert is its number.
    version = Document.objects.filter(visit=visit_request, uploaded_by__isnull=True).count()
    tell_coordinators(visit_request, MessageKind.DOCUMENT_RECEIVED, version=version)


def document_opened(*, document: Document, actor: User, page: str) -> DocumentAccess:
    """Append who opened the document (ids and reference only)."""
    return DocumentAccess.objects.create(
        document=document,
        visit_reference=document.visit.reference,
        actor=actor,
        actor_username=actor.get_username(),
        page=page[:200],
    )


def clearance_erase(visit_request: VisitRequest, *, erased: str) -> int:
    """Erasure and retention: the visit's documents go (files and rows), and the
    checks' free text (names, notes) is blanked; who checked what, and when, stays.

    Files are deleted once the erasure commits. Returns how many documents went.
    """
    documents = list(Document.objects.filter(visit=visit_request))
    for document in documents:
        transaction.on_commit(
            functools.partial(document.file.storage.delete, str(document.file.name))
        )
    Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
    ReadinessCheck.objects.filter(visit=visit_request).update(given_by="", note="")
    ReadinessOverride.objects.filter(visit=visit_request).update(reason=erased)
    return len(documents)
