"""What each kind of message is called and how it is written, registered by the app that owns it.

The outbox stores and sends rows; it asks the owning app (through the kind
it registered) for the texts and whether the message is still wanted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from outbox.models import Message


@dataclass(frozen=True)
class Rendered:
    """A message's texts: `body` for SMS, `subject` and `body` for email."""

    body: str
    subject: str = ""
    # (filename, content, mimetype) for email only.
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def render_texts(
    base: str,
    context: dict[str, Any],
    *,
    email: bool,
    attachments: Callable[[], list[tuple[str, bytes, str]]] | None = None,
) -> Rendered:
    """A kind's texts from its templates `<base>.sms.txt`, or `<base>.subject.txt`
    and `<base>.email.txt`: plain text, never HTML-escaped (the `plaintext`
    engine), an SMS (or WhatsApp) body and a subject on one line each."""
    if not email:
        return Rendered(body=" ".join(_text(f"{base}.sms.txt", context).split()))
    return Rendered(
        subject=" ".join(_text(f"{base}.subject.txt", context).split()),
        body=_text(f"{base}.email.txt", context).strip() + "\n",
        attachments=attachments() if attachments else [],
    )


def _text(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, context, using="plaintext")


def _always(message: Message) -> bool:
    return True


@dataclass(frozen=True)
class Kind:
    name: str
    # Registered at start-up, so a lazy translation: label() reads it in the reader's language.
    label: StrOrPromise
    render: Callable[[Message], Rendered]
    # False when the row is no longer worth sending (a reminder for a visit
    # that was moved or closed); such a row is cancelled, not sent.
    still_wanted: Callable[[Message], bool] = _always


_KINDS: dict[str, Kind] = {}


class UnknownKind(LookupError):
    """A row of a kind no app registered: refused loudly, never sent as something else."""


def register(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(f"no message kind {name!r} is registered") from None


def label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name


def choices() -> list[tuple[str, str]]:
    return [(name, str(kind.label)) for name, kind in _KINDS.items()]
