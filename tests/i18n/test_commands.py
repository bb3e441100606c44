"""The translation commands are the project's, found in the i18n app whatever else is installed."""

from django.core.management import get_commands, load_command_class


def test_compile_translations_and_makemessages_come_from_the_i18n_app():
    commands = get_commands()
    assert commands["compile_translations"] == "i18n"
    # Ours replaces Django's own makemessages.
    assert commands["makemessages"] == "i18n"


def test_our_makemessages_never_guesses_a_translation():
    command = load_command_class("i18n", "makemessages")
    assert "--no-fuzzy-matching" in command.msgmerge_options
