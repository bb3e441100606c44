"""Make a fictional coordinator and nurse for trying the portal locally (`make demo-data`).

Safe to run again: it updates the same two accounts rather than adding
more. The password comes from DEMO_PASSWORD, or a new random one is made
and printed each run.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

# Obviously invented people: never a real member of staff.
DEMO_USERS = [
    {
        "username": "demo-coordinator",
        "first_name": "Demo",
        "last_name": "Coordinator",
        "email": "demo-coordinator@staff.uhapo.example",
        "role": "triage_visitrequest",
    },
    {
        "username": "demo-nurse-asha",
        "first_name": "Asha",
        "last_name": "Demo",
        "email": "demo-nurse-asha@staff.uhapo.example",
        "role": "complete_visit",
    },
]


def _group_granting(codename: str) -> Group:
    """The group a migration gave this role to (the groups are named only in migrations)."""
    group = (
        Group.objects.filter(
            permissions__content_type__app_label="booking", permissions__codename=codename
        )
        .order_by("pk")
        .first()
    )
    if group is None:
        raise CommandError(f"No group grants booking.{codename}: run `manage.py migrate` first.")
    return group


class Command(BaseCommand):
    help = "Create or refresh a fictional demo coordinator and nurse (for local use only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DJANGO_DEBUG off. Demo accounts do not belong in production.",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to make demo accounts with DJANGO_DEBUG off; "
                "use --force if this really is a test machine."
            )
        password = os.environ.get("DEMO_PASSWORD", "")
        generated = not password
        if generated:
            # Four groups of five letters: readable aloud, long enough for the validators.
            alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
            password = "-".join(
                "".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4)
            )
        user_model = get_user_model()
        group_names: dict[str, str] = {}
        with transaction.atomic():
            for spec in DEMO_USERS:
                group = _group_granting(spec["role"])
                group_names[spec["username"]] = group.name
                user, _created = user_model.objects.update_or_create(
                    username=spec["username"],
                    defaults={
                        "first_name": spec["first_name"],
                        "last_name": spec["last_name"],
                        "email": spec["email"],
                        "is_staff": True,
                        "is_superuser": False,
                        "is_active": True,
                    },
                )
                try:
                    validate_password(password, user=user)
                except ValidationError as exc:
                    raise CommandError(
                        "DEMO_PASSWORD is too weak: " + " ".join(exc.messages)
                    ) from exc
                user.set_password(password)
                user.save()
                user.groups.set([group])
                # The admin asks every account for a code from an authenticator app.
                TOTPDevice.objects.get_or_create(
                    user=user, defaults={"name": "Demo authenticator", "confirmed": True}
                )
        self.stdout.write("Demo staff accounts (fictional people, for local use only):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec['username']:<20} {group_names[spec['username']]}")
        source = "generated for this run" if generated else "from DEMO_PASSWORD"
        self.stdout.write(f"Password for both ({source}): {password}")
        self.stdout.write("Sign in at /admin/ with the password and a 6-digit code. Either add")
        self.stdout.write("the account to an authenticator app with its link:")
        for spec in DEMO_USERS:
            device = TOTPDevice.objects.get(user__username=spec["username"])
            self.stdout.write(f"  {device.config_url}")
        self.stdout.write("or print the current code: python manage.py totp_code USERNAME")
