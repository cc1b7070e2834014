import pytest
from rest_framework.test import APIClient

from tests.journal.helpers import Device


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Journal tests make many users; the production hasher's cost buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def phone(user_client: APIClient) -> Device:
    """The user's first device, signed in through the API client."""
    return Device(user_client)


@pytest.fixture
def laptop(user: object) -> Device:
    """A second device of the same user with its own client."""
    client = APIClient()
    client.force_authenticate(user)
    return Device(client)
