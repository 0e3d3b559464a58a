import pytest

from core import demo as core_demo
from council import demo
from council.models import Case, CouncilMember
from members import demo as members_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_without_duplicates():
    municipalities = core_demo.load()
    members_demo.load(municipalities)
    demo.load(municipalities)
    demo.load(municipalities)
    assert Case.objects.count() == len(demo.CASES) + 1  # and one received last month
    assert CouncilMember.objects.count() == len(demo.MEMBERS)
    assert all("架空" in case.person_name for case in Case.objects.all())
