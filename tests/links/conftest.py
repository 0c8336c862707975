import pytest


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    # The personas log in in nearly every test here; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
