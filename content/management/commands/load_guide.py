"""Create the guide's starting pages from content/seed/ where they are missing (`make run`, each release).

Never changes a page or a translation that is already there; see content/seeding.py.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from content.seeding import SeedError, load_guide


class Command(BaseCommand):
    help = (
        "Create the guide pages and translations in content/seed/ that the database lacks. "
        "Existing ones, and ones staff deleted or renamed, are left alone."
    )

    def handle(self, *args: Any, verbosity: int = 1, **options: Any) -> None:
        try:
            report = load_guide()
        except SeedError as exc:
            raise CommandError(f"Nothing loaded: {exc}") from exc
        if verbosity >= 1:
            for slug, language in report.created:
                self.stdout.write(f"created {slug} ({language})")
        if verbosity >= 2:
            for slug, language in report.kept:
                self.stdout.write(f"already there, left as it is: {slug} ({language})")
            for slug, language in report.left_out:
                self.stdout.write(
                    f"deleted or renamed by staff, not created again: {slug} ({language})"
                )
        if verbosity >= 1:
            self.stdout.write(
                f"Guide: {len(report.created)} created, {len(report.kept)} already there, "
                f"{len(report.left_out)} left out (deleted or renamed by staff)."
            )
