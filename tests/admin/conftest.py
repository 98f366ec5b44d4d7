"""Fixtures of the admin tests: an administrator of the test property, signed in."""
import pytest

from models import Role


@pytest.fixture
def admin(login_as):
    """The client signed in as an administrator of `prop` (恒宇花园, code HY)."""
    return login_as(Role.ADMIN)
