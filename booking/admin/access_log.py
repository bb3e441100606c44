"""Every admin page that shows a request's personal data writes an access-log row.

The rows are read in the "access log" admin (booking/admin/rows.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest, HttpResponse

from booking import privacy
from booking.admin.permissions import staff_user
from booking.models import AccessAction, VisitRequest

if TYPE_CHECKING:
    # Checked as the ModelAdmin it is mixed into; at run time a plain class.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

# A HEAD is answered like a GET, so it counts as having seen the page.
SHOWING = ("GET", "HEAD")


def log_access(request: HttpRequest, action: str, shown: Iterable[VisitRequest]) -> None:
    """One access-log row for the page, naming every request it showed (none: no row)."""
    rows = list(shown)
    if rows:
        privacy.access_log_record(
            actor=staff_user(request), action=action, requests=rows, page=request.path
        )


class AccessLoggedMixin(_ModelAdmin):
    """For a ModelAdmin whose list and pages show personal data: each one shown is logged."""

    def visit_request_of(self, row: Any) -> VisitRequest:
        """The request behind a row of this admin (here the row is the request)."""
        return row

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # Another nurse's row is simply not there (404), not a redirect.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if request.method in SHOWING:
            log_access(request, AccessAction.VIEW, [self.visit_request_of(obj)])
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method in SHOWING and changelist is not None:
            rows = changelist.result_list
            log_access(request, AccessAction.LIST, [self.visit_request_of(row) for row in rows])
        return response
