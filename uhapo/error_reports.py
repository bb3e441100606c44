"""Error reports that leave the server (email to ADMINS) without patient details.

A report keeps what finds the bug: the exception's type, the traceback's
files, lines and source, the request's method and path. It drops what may
quote a family: POST data, query strings, cookies, frame variables, most
request headers, settings, and the exception's own text (an IntegrityError
quotes the row, a ValueError the value). What is left is redacted like every
log line. The server's own log keeps the exception's type and traceback, not its text.

With DJANGO_DEBUG on (a laptop, made-up data) Django's full debug page is kept.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import time
import traceback
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import log
from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from uhapo.logging import WITHHELD, redact, without_exception_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Request headers a report may show: none of them carries a family's details.
SAFE_META = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "HTTP_HOST",
        "HTTP_USER_AGENT",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_X_FORWARDED_PROTO",
        "wsgi.url_scheme",
    }
)
# Settings a report may show: enough to tell which build failed, no addresses or URLs.
SAFE_SETTINGS = ("SETTINGS_MODULE", "DEBUG", "INSTALLED_APPS", "MIDDLEWARE", "LANGUAGE_CODE")


class PatientSafeReporterFilter(SafeExceptionReporterFilter):
    """DEFAULT_EXCEPTION_REPORTER_FILTER: nothing a family typed or sent reaches a report."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        # request.POST is not even read: parsing it may be what failed.
        if request.method == "POST":
            return {"(all fields)": WITHHELD}
        return {}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return []

    # Django asks these two with the reporter's request, which is None for an
    # error outside a request, and answers {} for that; so does this filter.

    def get_safe_cookies(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is not None and not self.is_active(request):
            return super().get_safe_cookies(request)
        return {}

    def get_safe_request_meta(self, request: HttpRequest | None) -> dict[str, Any]:
        if request is None:
            return {}
        if not self.is_active(request):
            return super().get_safe_request_meta(request)
        return {key: value for key, value in request.META.items() if key in SAFE_META}

    def get_safe_settings(self) -> dict[str, Any]:
        everything = super().get_safe_settings()
        if not self.is_active(None):
            return everything
        return {key: everything[key] for key in SAFE_SETTINGS if key in everything}


class PatientSafeExceptionReporter(ExceptionReporter):
    """DEFAULT_EXCEPTION_REPORTER: the traceback without the exception's text or the query string."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if not self.filter.is_active(self.request):
            return data
        if "exception_value" in data:
            data["exception_value"] = WITHHELD
        data.pop("exception_notes", None)
        data["unicode_hint"] = ""
        for frame in data["frames"]:
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = type(frame["exc_cause"]).__name__
        if data.get("template_info"):
            # A failed lookup quotes the whole context.
            data["template_info"] = {**data["template_info"], "message": WITHHELD}
        if self.request is not None:
            data["request_GET_items"] = [(key, WITHHELD) for key in self.request.GET]
            data["request_FILES_items"] = [(key, WITHHELD) for key in self.request.FILES]
            request = self.request
            # The host without get_host()'s ALLOWED_HOSTS check, so that a DisallowedHost
            # can be reported too; django-stubs leaves this private method out.
            raw_host = request._get_raw_host()  # type: ignore[attr-defined]
            data["request_insecure_uri"] = f"{request.scheme}://{raw_host}{request.path}"
        return data

    def get_traceback_text(self) -> SafeString:
        return self._redacted(super().get_traceback_text())

    def get_traceback_html(self) -> SafeString:
        return self._redacted(super().get_traceback_html())

    def _redacted(self, text: SafeString) -> SafeString:
        if not self.filter.is_active(self.request):
            return text
        # Redaction only puts bracketed placeholders and exception type names in
        # place of text, so the page Django rendered (and escaped) stays as safe.
        return mark_safe(redact(without_exception_text(text, self.exc_value)))  # noqa: S308


class AdminEmailHandler(log.AdminEmailHandler):
    """mail_admins for server errors and failed tasks: plain text, redacted, no exception text."""

    def __init__(self, include_html: bool = False, **kwargs: Any) -> None:
        super().__init__(include_html=False, **kwargs)

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        repeats = _repeats_since_last_mail(record)
        if repeats is None:
            return
        if exc is not None:
            # A failed task's line ends with the exception's repr: keep only its type.
            record = copy.copy(record)
            record.msg, record.args = without_exception_text(record.getMessage(), exc), None
        if repeats:
            record = copy.copy(record)
            record.msg, record.args = (
                f"{record.getMessage()}\n\n(The same error happened {repeats} more "
                f"time(s) since the last email about it; those were not mailed.)",
                None,
            )
        super().emit(record)

    def send_mail(
        self, subject: StrOrPromise, message: StrOrPromise, *args: Any, **kwargs: Any
    ) -> None:
        kwargs["html_message"] = None
        super().send_mail(redact(str(subject)), redact(str(message)), *args, **kwargs)


def _signature(record: logging.LogRecord) -> str:
    """The same error from the same place: the logger, the message's pattern (its
    arguments, such as the path, left out), the exception's type and where it was raised."""
    parts = [record.name, str(record.msg)]
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        parts.append(type(exc).__qualname__)
        frames = traceback.extract_tb(exc.__traceback__)
        if frames:
            parts.append(f"{frames[-1].filename}:{frames[-1].lineno}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _repeats_since_last_mail(record: logging.LogRecord) -> int | None:
    """None when this error was mailed within ERROR_EMAIL_REPEAT_MINUTES (it is
    counted instead); else how many repeats went unmailed since its last email.

    A burst of the same 500 is one email, not hundreds. Kept in the shared
    cache, so every process agrees; with the cache unreachable every error is
    mailed (a report lost is worse than a report repeated).
    """
    minutes = settings.ERROR_EMAIL_REPEAT_MINUTES
    if minutes <= 0:
        return 0
    key, window = f"error-email:{_signature(record)}", minutes * 60
    # The time of the last email is the value, read against our own clock (the
    # key's expiry only tidies up), so the window is the same in every backend.
    now = time.time()
    if cache.add(key, now, timeout=window) is False:
        last = cache.get(key)
        if last is None or now - last >= window:
            cache.set(key, now, timeout=window)
            return _take_repeats(key)
        repeats_key, day = f"{key}:repeats", 24 * 60 * 60
        try:
            cache.incr(repeats_key)
        except ValueError:
            cache.add(repeats_key, 1, timeout=day)
        else:
            # Only Redis keeps a key's expiry through incr; Django's own backends reset it.
            cache.touch(repeats_key, day)
        return None
    return _take_repeats(key)


def _take_repeats(key: str) -> int:
    repeats = cache.get(f"{key}:repeats") or 0
    if repeats:
        cache.delete(f"{key}:repeats")
    return int(repeats)
