"""The error summary at the top of a family's form: each message linking to its field."""

from __future__ import annotations

from django import forms


class ErrorSummaryMixin:
    """For a form: (anchor, message) pairs, so the summary's links land on the field."""

    @property
    def error_summary(self: forms.BaseForm) -> list[tuple[str, str]]:  # type: ignore[misc]
        items: list[tuple[str, str]] = []
        for name, errors in self.errors.items():
            if name == "__all__":
                items += [("", str(e)) for e in errors]
                continue
            field = self[name]
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = f"{anchor}_0"
            items += [(anchor, str(e)) for e in errors]
        return items
