"""Keep phone numbers and email addresses out of every log line."""

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number standing on its own: an Indian mobile however it was typed
# (98200 12345, 098200-12345, +91 98200 12345) or any +country number. The
# look-arounds leave digits inside ids, UUIDs and timings alone.
_PHONE = re.compile(
    r"(?<![\w.-])(?:(?:\+|00)\d{1,3}[\s-]?)?0?\d{3,5}[\s-]?\d{3,5}[\s-]?\d{0,5}(?![\w-])"
)


def _looks_like_phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group())
    return "[phone]" if digits >= 10 else match.group()


def redact(text: str) -> str:
    return _PHONE.sub(_looks_like_phone, _EMAIL.sub("[email]", text))


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception text often quotes the offending value; keep the type
            # and the traceback, drop the text.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
