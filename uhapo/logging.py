"""Keep phone numbers, email addresses and private links out of every log line."""

import logging
import re
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number standing on its own: an Indian mobile however it was typed
# (98200 12345, 098200-12345, +91 98200 12345) or any +country number. The
# look-arounds leave digits inside ids, UUIDs and timings alone.
_PHONE = re.compile(
    r"(?<![\w.-])(?:(?:\+|00)\d{1,3}[\s-]?)?0?\d{3,5}[\s-]?\d{3,5}[\s-]?\d{0,5}(?![\w-])"
)

# A value signed with django.core.signing (payload:timestamp:signature), such
# as the family's private link: it opens their request, so it is a secret.
_SIGNED = re.compile(r"(?<![\w:-])[\w-]+:[\w-]{4,}:[\w-]{20,}(?![\w:-])")


def _looks_like_phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group())
    return "[phone]" if digits >= 10 else match.group()


def redact(text: str) -> str:
    text = _SIGNED.sub("[signed]", text)
    return _PHONE.sub(_looks_like_phone, _EMAIL.sub("[email]", text))


# What error reports that leave the server show instead of an exception's text:
# a message can quote any value (an IntegrityError quotes the row).
WITHHELD = "[withheld: error text may quote patient details]"


def without_exception_text(text: str, exc: BaseException | None) -> str:
    """`text` with the exception's message (as str() or repr() shows it) replaced by
    its type; so too for the exceptions it was raised from or during (a traceback
    prints those as well)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for shown in (repr(exc), str(exc)):
            # A text of a few characters names nobody, and replacing it everywhere
            # would garble the rest.
            if len(shown) >= 4:
                text = text.replace(shown, type(exc).__name__)
        # Django's reporter passes the log message itself when there is no exception.
        exc = (exc.__cause__ or exc.__context__) if isinstance(exc, BaseException) else None
    return text


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception text often quotes the offending value (a name, an
            # address): keep the type and the traceback, drop the text.
            record.exc_text = redact(
                without_exception_text(
                    logging.Formatter().formatException(record.exc_info), record.exc_info[1]
                )
            )
            record.exc_info = None
        return True


def logging_config(*, level: str) -> dict[str, Any]:
    """settings.LOGGING: every line redacted, only server errors and failed tasks mailed."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "redact": {"()": "uhapo.logging.RedactPersonalDataFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["redact"],
                "formatter": "plain",
            },
            "mail_admins": {
                "level": "ERROR",
                "class": "uhapo.error_reports.AdminEmailHandler",
                "filters": ["require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's own handlers on "django" (an unredacted mail_admins
            # among them, which would mail every disallowed Host): only server
            # errors and failed tasks are mailed, and everything goes to the
            # console at LOG_LEVEL.
            "django": {"handlers": [], "level": "NOTSET"},
            "django.request": {"handlers": ["mail_admins"]},
            "celery.app.trace": {"handlers": ["mail_admins"]},
            "django.db.backends": {"level": "WARNING"},
        },
    }
