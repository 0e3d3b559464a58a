import pytest


@pytest.fixture
def mfa_as_deployed(db):
    """Two-factor policies exactly as the migrations leave them (tests/conftest.py otherwise
    relaxes them to the council role for tests that are not about two-factor)."""
