"""Django's makemessages, without gettext's fuzzy matching.

A guessed translation is worse than none for a family reading about
treatment: tests/i18n refuses both, and a translator fills the gap.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
