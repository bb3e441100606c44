"""Made-up files for the upload tests: phone photos with metadata, PDFs, and bad ones."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

MAKER = "FictionalPhoneCo"


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A phone photo: camera make and a GPS position (somewhere in Mumbai) in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = MAKER
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (19.0, 4.0, 30.0)
    gps[3] = "E"
    gps[4] = (72.0, 52.0, 10.0)
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Testina Fictional")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 30_000) -> bytes:
    """A tiny PNG that claims to be 30,000 x 30,000 pixels (900 megapixels) once decoded."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (side + 1) * 8, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
BROKEN_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not really a PDF\n%%EOF"


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
