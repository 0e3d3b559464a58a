import pytest

from .factories import site_with_zones


@pytest.fixture
def hub():
    """The hub site (with its storage zones) most foodhub tests work in."""
    return site_with_zones(name="ハブ拠点 八頭町")
