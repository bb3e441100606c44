"""Give a staff member an authenticator-app key (TOTP), the second factor the admin asks for."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Create (or with --reset, replace) a staff member's TOTP device and print its setup link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="Replace the existing device (a lost phone)."
        )
        parser.add_argument("--qr", action="store_true", help="Also print a QR code to scan.")

    def handle(self, *args: Any, username: str, reset: bool, qr: bool, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        devices = TOTPDevice.objects.devices_for_user(user)
        if devices.exists() and not reset:
            raise CommandError(f"{username} already has a device; use --reset to replace it.")
        devices.delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        self.stdout.write(f"Add this key to {username}'s authenticator app:")
        self.stdout.write(device.config_url)
        if qr:
            import qrcode

            code = qrcode.QRCode()
            code.add_data(device.config_url)
            code.print_ascii(out=self.stdout)
