# The worker tests' stack (Redis, SMTP, SMS provider, the test database for subprocesses).
from tests.booking.test_worker import stack  # noqa: F401
