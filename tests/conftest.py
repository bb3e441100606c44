import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils import translation

from uhapo.celery import app as celery_app

# Before any test makes a user (tests/hashers.py says why it is safe).
settings.PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as `make run` leaves it: migrated, then the guide loaded from content/seed."""
    with django_db_blocker.unblock():
        call_command("load_guide", verbosity=0)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test starts with an empty cache (rate limits) and its own mail/SMS folders."""
    cache.clear()
    caches["template_fragments"].clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "tests.sms.RecordingSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    from tests.sms import RecordingSmsBackend

    RecordingSmsBackend.sent.clear()
    # In the site's language: a request to a /hi/ or /mr/ page leaves its
    # language active in the thread (LocaleMiddleware activates it, nothing
    # deactivates it), and the next test would read Marathi where it expects English.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Without a real worker, tasks run in-process; tests marked `worker` get the real thing."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's SMTP backend points at it."""
    from tests.servers import SmtpSink

    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    yield sink
    sink.stop()


@pytest.fixture
def sms_provider(settings):
    """A local HTTP server standing in for the SMS gateway."""
    from tests.servers import SmsProvider

    provider = SmsProvider().start()
    settings.SMS_BACKEND = "outbox.channels.sms.HttpSmsBackend"
    settings.SMS_HTTP_URL = provider.url
    settings.SMS_HTTP_TOKEN = "test-token"
    yield provider
    provider.stop()


@pytest.fixture
def msg91(settings):
    """A local HTTP server shaped like MSG91's flow API; the MSG91 backend points at it."""
    from tests.servers import Msg91Provider

    provider = Msg91Provider().start()
    settings.SMS_BACKEND = "outbox.channels.msg91.Msg91SmsBackend"
    settings.SMS_HTTP_URL = provider.url
    settings.SMS_HTTP_TOKEN = provider.AUTHKEY
    yield provider
    provider.stop()


@pytest.fixture
def whatsapp_cloud(settings):
    """A local HTTP server shaped like WhatsApp's Cloud API; WhatsApp is switched on."""
    from tests.servers import WhatsAppCloud

    cloud = WhatsAppCloud().start()
    settings.WHATSAPP_API_URL = cloud.url
    settings.WHATSAPP_PHONE_NUMBER_ID = cloud.PHONE_NUMBER_ID
    settings.WHATSAPP_TOKEN = cloud.TOKEN
    yield cloud
    cloud.stop()
