import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Journal tests make many users; the production hasher's cost buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
