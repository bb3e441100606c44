"""Errors to Sentry when SENTRY_DSN is set, with nothing in them that names a family.

The same rule as the emails to ADMINS (uhapo/error_reports.py): the
exception's type and traceback go, its text, the request's body, cookies,
query string, most headers and the frames' variables do not, and every string
left is redacted like a log line. SQL breadcrumbs are dropped: on PostgreSQL
the SDK fills the parameters into the query text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from uhapo.logging import WITHHELD, redact, without_exception_text

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

# Request headers an event may keep (lower case): none of them carries a family's details.
SAFE_HEADERS = frozenset(
    {"host", "user-agent", "accept", "accept-language", "content-type", "content-length"}
)


def sentry_init(*, dsn: str, environment: str | None = None, release: str | None = None) -> None:
    """Start the SDK in this process (web or worker); settings call it when SENTRY_DSN is set."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        # What the SDK itself collects, by category (sentry-sdk's `data_collection`,
        # which replaces `send_default_pii`); before_send strips the event again.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        # No timing spans around every middleware, signal and cache call: errors only.
        integrations=[
            DjangoIntegration(middleware_spans=False, signals_spans=False, cache_spans=False)
        ],
    )


def _exception(hint: dict[str, Any]) -> BaseException | None:
    exc_info = hint.get("exc_info")
    if exc_info is None and hint.get("log_record") is not None:
        exc_info = hint["log_record"].exc_info
    return exc_info[1] if exc_info else None


def _safe_request(request: dict[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = {}
    if "method" in request:
        safe["method"] = request["method"]
    if request.get("url"):
        safe["url"] = urlunsplit(urlsplit(request["url"])._replace(query="", fragment=""))
    headers = request.get("headers") or {}
    safe["headers"] = {
        name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS
    }
    return safe


def _scrubbed(value: Any, exc: BaseException | None) -> Any:
    if isinstance(value, str):
        return redact(without_exception_text(value, exc))
    if isinstance(value, dict):
        return {key: _scrubbed(item, exc) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(item, exc) for item in value]
    return value


def before_send(event: Event, hint: Hint) -> Event | None:
    if "request" in event:
        event["request"] = _safe_request(event["request"])
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = WITHHELD
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    event.pop("user", None)
    return _scrubbed(event, _exception(hint))


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any] | None:
    if crumb.get("category") == "query":
        return None
    crumb.pop("data", None)
    if isinstance(crumb.get("message"), str):
        crumb["message"] = redact(without_exception_text(crumb["message"], _exception(hint)))
    return crumb
