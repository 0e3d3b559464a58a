"""Who may open which supporters page: every page with personal data is the secretariat's."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from core import roles
from supporters import services
from supporters.models import Attendance, Supporter
from tests.factories import UserFactory

from .factories import RegistrationFactory, past_session

pytestmark = pytest.mark.django_db


PERSONAL_MODELS = ["supporter", "registration", "attendance", "certificate", "supporternotice"]


@pytest.mark.parametrize(
    "role", [roles.AUDITOR, roles.COORDINATOR, roles.HUB_OPERATOR, roles.COUNCIL_MEMBER]
)
def test_other_roles_are_refused_every_page_with_supporters_personal_data(client, role):
    session = past_session()
    registration = RegistrationFactory(session=session)
    services.session_attendance_record(
        session=session, registration_ids=[registration.pk], walk_ins=[], actor=None
    )
    services.certificates_issue(session=session, actor=None)
    notice = services.notice_create(subject="件名", body="本文", actor=None)
    objects = {
        "supporter": Supporter.objects.get(),
        "registration": registration,
        "attendance": Attendance.objects.get(),
        "certificate": Attendance.objects.get().certificate,
        "supporternotice": notice,
    }
    urls = [reverse("admin:supporters_trainingsession_attendance", args=[session.pk])]
    urls.append(reverse("admin:supporters_trainingsession_certificates", args=[session.pk]))
    for model in PERSONAL_MODELS:
        pk = objects[model].pk
        urls += [
            reverse(f"admin:supporters_{model}_changelist"),
            reverse(f"admin:supporters_{model}_change", args=[pk]),
            reverse(f"admin:supporters_{model}_history", args=[pk]),
            reverse(f"admin:supporters_{model}_export"),
        ]
    user = UserFactory(is_staff=True, roles=[role])
    # Past the council members' MFA step, so the answer is about the page's own permission.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)

    for url in urls:
        assert client.get(url).status_code == 403, url
        posted = client.post(url, {"format": "0", "resource": "0", "action": "certificates"})
        assert posted.status_code == 403, url
    from django.contrib.admin.sites import site

    from supporters.models import NoticeRecipient

    assert NoticeRecipient not in site._registry  # recipients are shown inside a notice only
