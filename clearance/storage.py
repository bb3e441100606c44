"""Where the family's documents are kept: never under a public URL.

Django's STORAGES["documents"]: a FileSystemStorage under VAR_DIR/private by
default (nginx serves nothing from there), or S3-compatible storage through
django-storages when DOCUMENTS_S3_BUCKET is set. Files are only ever read
back by clearance.views.document_open, which checks the permission and logs.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """The storage behind Document.file (a callable, so a migration never records it)."""
    return storages["documents"]
