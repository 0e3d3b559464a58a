import copy

import pytest
from django.core import mail

from core.models import Notification
from core.notifications import notify
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"].append(settings.BASE_DIR / "tests" / "templates")
    settings.TEMPLATES = templates


def _remind(target, period="2026-11"):
    return notify(
        purpose="core.test_reminder",
        target=target,
        period=period,
        recipient="jimukyoku@example.jp",
        subject="テストのお知らせ",
        template_name="tests/reminder.txt",
        context={"message": "確認してください"},
    )


def test_a_reminder_is_sent_and_recorded():
    town = MunicipalityFactory(name="智頭町")

    assert _remind(town) is True

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jimukyoku@example.jp"]
    assert "智頭町" in mail.outbox[0].body
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.SENT
    assert notification.sent_at is not None


def test_running_the_same_reminder_twice_sends_it_once():
    town = MunicipalityFactory()

    _remind(town)
    assert _remind(town) is False

    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_the_next_period_sends_again():
    town = MunicipalityFactory()

    _remind(town, period="2026-11")
    _remind(town, period="2026-12")

    assert len(mail.outbox) == 2


def test_a_failed_send_leaves_nothing_marked_sent_so_a_retry_sends(settings):
    town = MunicipalityFactory()
    settings.EMAIL_BACKEND = "tests.core.failing_email.FailingBackend"

    with pytest.raises(ConnectionError):
        _remind(town)
    assert not Notification.objects.filter(status=Notification.Status.SENT).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert _remind(town) is True
    assert len(mail.outbox) == 1
