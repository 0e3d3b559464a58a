import pytest

from tests.factories import StaffFactory


@pytest.fixture
def staff():
    """A staff user acting in the members services (not logged in to the client)."""
    return StaffFactory()
