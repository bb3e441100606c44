from django.apps import AppConfig


class I18nConfig(AppConfig):
    # No models: installed only so that Django finds its management commands.
    name = "i18n"
