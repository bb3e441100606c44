"""Documents: the type is read from the content, images lose their metadata, PDFs must
open, bad files are refused with nothing stored, and erasure takes the files too."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from PIL import Image

from booking import privacy
from booking.models import MessageKind, Status
from clearance import documents
from clearance.documents import DocumentRefused
from clearance.models import Document, DocumentKind
from outbox.models import Message
from tests.clearance import files
from tests.factories import VisitRequestFactory

pytestmark = pytest.mark.django_db


def stored(private_storage) -> list:
    return (
        [p for p in private_storage.rglob("*") if p.is_file()] if private_storage.exists() else []
    )


def send(visit, data, **kwargs):
    return documents.document_upload(
        visit_request=visit,
        kind=DocumentKind.PRESCRIPTION,
        upload=files.upload(data, **kwargs),
        actor=None,
    )


def test_a_phone_photo_loses_its_exif_and_gps(private_storage):
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    document = send(VisitRequestFactory(), original)

    (path,) = stored(private_storage)
    data = path.read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert files.MAKER.encode() not in data
    assert b"Exif" not in data
    assert document.content_type == "image/jpeg"
    assert document.size == len(data)


def test_a_png_loses_its_text_chunks(private_storage):
    send(VisitRequestFactory(), files.png_with_text(), name="scan.png", content_type="image/png")
    (path,) = stored(private_storage)
    assert b"Testina" not in path.read_bytes()
    assert Image.open(path).format == "PNG"


def test_a_pdf_that_opens_is_kept_as_sent(private_storage):
    data = files.pdf()
    document = send(VisitRequestFactory(), data, name="report.pdf", content_type="application/pdf")
    (path,) = stored(private_storage)
    assert path.read_bytes() == data
    assert document.content_type == "application/pdf"
    assert path.suffix == ".pdf"


def test_the_type_comes_from_the_content_not_the_name(private_storage):
    """A PNG named .pdf and sent as a PDF is stored as the PNG it is."""
    document = send(
        VisitRequestFactory(), files.png_with_text(), name="x.pdf", content_type="application/pdf"
    )
    assert document.content_type == "image/png"
    (path,) = stored(private_storage)
    assert path.suffix == ".png"


def test_the_stored_name_is_random_not_the_familys(private_storage):
    send(VisitRequestFactory(), files.jpeg_with_gps(), name="Testina prescription.jpg")
    (path,) = stored(private_storage)
    assert "Testina" not in str(path)


BAD = {
    "an exe renamed .pdf": (files.EXE, "prescription.pdf", "bad_type"),
    "a PDF that does not open": (files.BROKEN_PDF, "report.pdf", "bad_pdf"),
    "a zip bomb image": (files.png_bomb(), "photo.png", "too_many_pixels"),
    "a 40 MB file": (b"%PDF-1.7\n" + b"0" * (40 * 1024 * 1024), "big.pdf", "too_big"),
    "an empty file": (b"", "empty.jpg", "empty"),
    "a JPEG cut short": (files.jpeg_with_gps()[:200], "cut.jpg", "bad_image"),
}


@pytest.mark.parametrize("bad", list(BAD))
def test_a_bad_file_is_refused_and_nothing_is_stored(private_storage, bad):
    data, name, code = BAD[bad]
    visit = VisitRequestFactory()
    with pytest.raises(DocumentRefused) as refused:
        send(visit, data, name=name, content_type="application/pdf")
    assert refused.value.error_dict["file"][0].code == code
    assert not Document.objects.exists()
    assert stored(private_storage) == []
    assert not visit.events.filter(note__contains="Document").exists()


def test_a_closed_visit_takes_no_documents(private_storage):
    visit = VisitRequestFactory(status=Status.CANCELLED)
    with pytest.raises(DocumentRefused):
        send(visit, files.pdf())
    assert stored(private_storage) == []


def test_the_coordinators_are_told_when_the_family_sends_a_document(coordinator):
    visit = VisitRequestFactory()
    send(visit, files.pdf())
    (alert,) = Message.objects.filter(kind=MessageKind.DOCUMENT_RECEIVED)
    assert alert.recipient == settings.COORDINATOR_EMAIL
    assert visit.events.filter(actor_label="family", note__contains="Document received").exists()
    # One a staff member added herself needs no alert.
    documents.document_upload(
        visit_request=VisitRequestFactory(),
        kind=DocumentKind.BLOOD_REPORT,
        upload=files.upload(files.pdf()),
        actor=coordinator,
    )
    assert Message.objects.filter(kind=MessageKind.DOCUMENT_RECEIVED).count() == 1


def test_erasure_deletes_the_files_and_the_rows(
    private_storage, django_capture_on_commit_callbacks
):
    visit = VisitRequestFactory()
    send(visit, files.pdf())
    send(visit, files.jpeg_with_gps())
    assert len(stored(private_storage)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        privacy.visit_request_withdraw_consent(visit_request=visit, actor=None)
    assert stored(private_storage) == []
    assert not Document.objects.exists()


def test_retention_deletes_the_files(private_storage, django_capture_on_commit_callbacks, clock):
    visit = VisitRequestFactory()
    send(visit, files.pdf())
    other = VisitRequestFactory()
    send(other, files.pdf())
    visit.status = Status.CANCELLED
    visit.closed_at = visit.created_at
    visit.save()
    clock.shift(settings.DATA_RETENTION_DAYS * 86400 + 3600)
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.visit_requests_anonymise_expired() == 1
    assert list(Document.objects.values_list("visit", flat=True)) == [other.pk]
    assert len(stored(private_storage)) == 1
