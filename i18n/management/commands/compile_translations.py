"""Compile locale/*/LC_MESSAGES/*.po into .mo files with polib, so no gettext install is needed.

Django's own compilemessages needs GNU gettext's msgfmt; `make run` must work
on a machine with nothing but Python. The .mo files are not kept in git.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the project's translations (locale/<lang>/LC_MESSAGES/*.po) into .mo files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Compile even where the .mo is newer."
        )

    def handle(self, *args: Any, force: bool = False, verbosity: int = 1, **options: Any) -> None:
        compiled = 0
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if (
                    not force
                    and mo_path.exists()
                    and mo_path.stat().st_mtime >= po_path.stat().st_mtime
                ):
                    continue
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                # Fuzzy and untranslated entries are left out, as msgfmt does.
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
                if verbosity >= 2:
                    self.stdout.write(f"compiled {po_path} ({catalogue.percent_translated()}%)")
        if verbosity >= 1:
            self.stdout.write(f"{compiled} catalogue(s) compiled.")
