"""Members e-mail: queued by the service once the transaction commits, sent by a task through
core.notifications.notify, once per purpose, object, period and recipient."""

import pytest

from core.models import Notification
from members import services, tasks

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_an_applicant_mail_is_queued_on_commit_and_sent_by_its_task(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        services.application_reject(application=application, actor=staff, reason="対象外のため")
    assert mailoutbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1

    callbacks[0]()

    assert [m.to for m in mailoutbox] == [[application.email]]
    assert application.reference in mailoutbox[0].subject
    notification = Notification.objects.get()
    assert notification.purpose == "members.application_rejected"
    application.refresh_from_db()
    assert notification.period == application.decided_on.isoformat()


def test_an_applicant_mail_is_sent_once_however_often_its_task_runs(mailoutbox):
    application = ApplicationFactory()

    assert tasks.application_mail_task(application.pk, "received") is True
    assert tasks.application_mail_task(application.pk, "received") is False

    assert len(mailoutbox) == 1
    assert Notification.objects.get().purpose == "members.application_received"


def test_an_unknown_applicant_mail_is_refused():
    application = ApplicationFactory()

    with pytest.raises(ValueError, match="unknown application mail"):
        services.application_mail_send(application=application, mail="welcome")
