"""The project's translation tooling: `manage.py compile_translations` and our `makemessages`.

An app of its own because the commands work on every catalogue in locale/,
not on one app's; the language links and Indian formats that pages use stay
in uhapo/ (i18n.py, formats/).
"""
