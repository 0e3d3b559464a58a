"""Member organisations with a contact, and board posts, set up through the services."""

import datetime
import uuid

from django.utils import timezone

from core.models import Municipality
from exchange import services
from members.models import ActivityField, OrganisationContact
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def town(name):
    prefecture = "兵庫県" if name in ("新温泉町", "香美町") else "鳥取県"
    return Municipality.objects.get_or_create(name=name, defaults={"prefecture": prefecture})[0]


def field(name="子ども食堂"):
    return ActivityField.objects.get_or_create(name=name)[0]


def member_with_contact(*, name=None, municipality=None, email=None):
    """An active member organisation and its contact's user."""
    organisation = OrganisationFactory(
        **({"name": name} if name else {}),
        municipality=municipality or town("鳥取市"),
    )
    MembershipFactory(organisation=organisation)
    user = UserFactory(**({"email": email} if email else {}))
    OrganisationContact.objects.create(organisation=organisation, user=user)
    return organisation, user


def post(
    organisation,
    user,
    *,
    kind="need",
    resource="venue",
    title="調理室を貸してください",
    body="月に一度、子ども食堂の会場として調理室を探しています。",
    fields=None,
    municipality=None,
    starts_on=None,
    ends_on=None,
    publish_by=None,
):
    created = services.post_submit(
        organisation=organisation,
        kind=kind,
        resource=resource,
        title=title,
        body=body,
        activity_fields=fields or [field()],
        municipality=municipality or organisation.municipality,
        starts_on=starts_on or days(7),
        ends_on=ends_on or days(14),
        submission_token=uuid.uuid4(),
        warnings_confirmed=False,
        actor=user,
    )
    if publish_by is not None:
        created = services.post_approve(post=created, actor=publish_by)
    return created
