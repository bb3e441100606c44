"""A quick password hasher for the tests: the production algorithm with far fewer rounds.

Creating a user costs about 0.25 s with Django's 1,000,000 PBKDF2 rounds, and the
suite makes hundreds. The hashes keep the name `pbkdf2_sha256` and carry their
round count, so a gunicorn started by a test (production settings) still checks them.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000
