"""The error summary at the top of a family's form: each message linking to its field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags


class ErrorSummaryMixin:
    """For a form: (anchor, message) pairs, so the summary's links land on the field.

    The messages are plain text: a message beside its field may hold a link
    (our phone number), which inside the summary's own link would be a link
    in a link."""

    @property
    def error_summary(self: forms.BaseForm) -> list[tuple[str, str]]:  # type: ignore[misc]
        items: list[tuple[str, str]] = []
        for name, errors in self.errors.items():
            if name == "__all__":
                items += [("", strip_tags(str(e))) for e in errors]
                continue
            field = self[name]
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = f"{anchor}_0"
            items += [(anchor, strip_tags(str(e))) for e in errors]
        return items


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal on the form: each keyed message beside its field (or on top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
