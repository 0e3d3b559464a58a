"""Partners' food requests at the edges of their rules (issue 14)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from foodhub import selectors, services
from foodhub.models import FoodPartner, FoodRequest, LiabilityConsent, Lot, Recipient
from kirin_pf.schedule import PERIODIC_TASKS
from tests.factories import OrganisationFactory

from .factories import (
    FoodCategoryFactory,
    ItemFactory,
    days,
    operator_of,
    partner_with_contact,
    receive,
    secretariat,
    site_with_zones,
    submit,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    return site_with_zones(name="ハブ拠点 八頭町")


@pytest.fixture
def staff():
    return secretariat()


@pytest.fixture
def category():
    return FoodCategoryFactory(name="主食")


# --- partners ----------------------------------------------------------------------------------


def test_only_the_secretariat_approves_a_food_partner_and_the_approval_is_audited(hub, staff):
    organisation = OrganisationFactory()
    recipient = Recipient.objects.create(
        kind=Recipient.Kind.CAFETERIA,
        name="こども食堂ひまわり",
        site=hub,
        municipality=hub.municipality,
    )
    with pytest.raises(PermissionDenied, match="事務局のみ"):
        services.food_partner_approve(
            organisation=organisation, recipient=recipient, actor=operator_of(hub)
        )
    partner = services.food_partner_approve(
        organisation=organisation,
        recipient=recipient,
        actor=staff,
        monthly_guideline_kg=Decimal("50"),
    )
    assert partner.status == FoodPartner.Status.APPROVED
    assert partner.history.get().history_change_reason == "foodhub.food_partner.approved"
    services.food_partner_suspend(partner=partner, actor=staff)
    assert partner.history.first().history_change_reason == "foodhub.food_partner.suspended"


def test_a_household_is_never_a_food_partner(hub, staff):
    household = Recipient.objects.create(
        kind=Recipient.Kind.HOUSEHOLD,
        reference_code="H-1",
        household_size=2,
        site=hub,
        municipality=hub.municipality,
    )
    with pytest.raises(ValidationError, match="世帯は登録できません"):
        services.food_partner_approve(
            organisation=OrganisationFactory(), recipient=household, actor=staff
        )


def test_a_suspended_partner_cannot_request(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    services.food_partner_suspend(partner=partner, actor=staff)
    with pytest.raises(ValidationError, match="承認されていません"):
        submit(partner, contact, category=category)


def test_the_agreement_counts_from_the_day_it_was_agreed_until_the_day_it_is_withdrawn(
    hub, staff, category
):
    partner, contact = partner_with_contact(hub, actor=staff, consent=False)
    # Agreed tomorrow: not yet.
    consent = LiabilityConsent.objects.create(
        recipient=partner.recipient, agreed_on=days(1), recorded_by=staff
    )
    with pytest.raises(ValidationError, match="合意書"):
        submit(partner, contact, category=category)
    # Agreed today: from today.
    consent.agreed_on = today()
    consent.save()
    assert submit(partner, contact, category=category).pk
    # Withdrawn tomorrow: still today.
    services.consent_withdraw(consent=consent, withdrawn_on=days(1), actor=staff)
    assert submit(partner, contact, category=category).pk
    # Withdrawn today: no longer.
    services.consent_withdraw(consent=consent, withdrawn_on=today(), actor=staff)
    with pytest.raises(ValidationError, match="合意書"):
        submit(partner, contact, category=category)


def test_a_double_submitted_request_is_recorded_once(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    token = "0b7c6f1e-0000-4000-8000-000000000001"
    first = submit(partner, contact, category=category, submission_token=token)
    again = submit(partner, contact, category=category, submission_token=token)
    assert first == again
    assert FoodRequest.objects.count() == 1
    assert first.lines.count() == 1


def test_a_request_for_a_past_day_or_without_lines_is_refused(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    with pytest.raises(ValidationError, match="今日以降"):
        submit(partner, contact, category=category, needed_on=days(-1))
    assert submit(partner, contact, category=category, needed_on=today()).pk
    with pytest.raises(ValidationError, match="少なくとも1行"):
        services.food_request_submit(
            partner=partner,
            needed_on=days(2),
            people_served=10,
            handover="pickup",
            lines=[],
            actor=contact,
        )


# --- the hub -----------------------------------------------------------------------------------


def test_a_started_request_belongs_to_its_operator(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=category)
    first, second = operator_of(hub), operator_of(hub)
    services.food_request_start(request=request, actor=first)
    assert services.food_request_start(request=request, actor=first).operator == first
    with pytest.raises(ValidationError, match=r"すでに.*準備中"):
        services.food_request_start(request=request, actor=second)
    with pytest.raises(ValidationError, match="準備中です"):
        services.food_request_decline(request=request, reason="在庫なし", actor=second)
    with pytest.raises(ValidationError, match="準備中です"):
        services.food_request_adjust(request=request, adjusted={}, reason="少なめ", actor=second)


def test_an_operator_of_another_site_cannot_touch_the_request(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=category)
    elsewhere = operator_of(site_with_zones(name="ハブ拠点 智頭町"))
    with pytest.raises(PermissionDenied, match="担当者ではない"):
        services.food_request_start(request=request, actor=elsewhere)


def test_filling_hands_out_first_expiry_first_to_the_partner_and_mails_each_step(
    hub, staff, category, mailoutbox, django_capture_on_commit_callbacks
):
    partner, contact = partner_with_contact(hub, actor=staff, email="himawari@example.jp")
    item = ItemFactory(name="米（5kg袋）", category=category)
    later = receive(hub, item, 20, actor=staff, expiry=days(300))
    sooner = receive(hub, item, 20, actor=staff, expiry=days(200))
    operator = operator_of(hub)
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(partner, contact, category=category, kg="15")
    with django_capture_on_commit_callbacks(execute=True):
        services.food_request_start(request=request, actor=operator)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.food_request_fill(
            request=request,
            picks=[services.PickRequest(item=item, kg=Decimal("15"))],
            distributed_on=today(),
            actor=operator,
        )
    assert request.status == FoodRequest.Status.FILLED
    distribution = request.distribution
    assert distribution.recipient == partner.recipient
    assert [(line.lot_id, line.kg) for line in distribution.lines.all()] == [
        (sooner.pk, Decimal("15.00"))
    ]
    assert Lot.objects.get(pk=later.pk).kg == Decimal("20.00")
    subjects = [mail.subject for mail in mailoutbox]
    assert [s.split("】")[0] for s in subjects] == ["【食品の依頼"] * 3
    assert "受け付けました" in subjects[0]
    assert "準備を始めました" in subjects[1]
    assert "準備ができました" in subjects[2]
    assert mailoutbox[2].to == ["himawari@example.jp"]
    assert "提供済み" in mailoutbox[2].body
    assert request.history.first().history_change_reason == "foodhub.food_request.filled"


def test_the_minimum_shelf_life_at_receipt_with_an_override_and_its_reason(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    item = ItemFactory(category=category)
    needed_on = days(5)
    minimum = services.min_shelf_life_days("ambient")
    assert minimum == 60
    short = receive(hub, item, 10, actor=staff, expiry=needed_on + datetime.timedelta(days=59))
    operator = operator_of(hub)
    request = submit(partner, contact, category=category, needed_on=needed_on)
    services.food_request_start(request=request, actor=operator)

    def fill(lot, **kwargs):
        return services.food_request_fill(
            request=request,
            picks=[services.PickRequest(item=None, kg=Decimal("5"), lot=lot)],
            distributed_on=today(),
            actor=operator,
            **kwargs,
        )

    with pytest.raises(ValidationError, match="残り59日、最低60日"):
        fill(short)
    assert Lot.objects.get(pk=short.pk).kg == Decimal("10.00")  # nothing written
    assert FoodRequest.objects.get(pk=request.pk).status == FoodRequest.Status.IN_PROGRESS

    exactly = receive(hub, item, 10, actor=staff, expiry=needed_on + datetime.timedelta(days=60))
    filled = fill(exactly)
    assert filled.status == FoodRequest.Status.FILLED
    assert filled.shelf_life_override_reason == ""


def test_short_shelf_life_food_goes_out_with_the_reason_recorded(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    item = ItemFactory(category=category)
    short = receive(hub, item, 10, actor=staff, expiry=days(20))
    operator = operator_of(hub)
    request = submit(partner, contact, category=category, needed_on=days(1))
    services.food_request_start(request=request, actor=operator)
    filled = services.food_request_fill(
        request=request,
        picks=[services.PickRequest(item=None, kg=Decimal("5"), lot=short)],
        distributed_on=today(),
        actor=operator,
        shelf_life_override_reason="当日の調理で使い切る",
    )
    assert filled.shelf_life_override_reason == "当日の調理で使い切る"


def test_filling_checks_the_agreement_again_on_the_day(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff)
    item = ItemFactory(category=category)
    receive(hub, item, 10, actor=staff, expiry=days(300))
    operator = operator_of(hub)
    request = submit(partner, contact, category=category)
    services.food_request_start(request=request, actor=operator)
    consent = partner.recipient.consents.get()
    services.consent_withdraw(consent=consent, withdrawn_on=today(), actor=staff)
    with pytest.raises(ValidationError, match="同意"):
        services.food_request_fill(
            request=request,
            picks=[services.PickRequest(item=item, kg=Decimal("5"))],
            distributed_on=today(),
            actor=operator,
        )


def test_adjusting_and_declining_need_a_reason_and_are_mailed(
    hub, staff, category, mailoutbox, django_capture_on_commit_callbacks
):
    partner, contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=category, kg="30")
    operator = operator_of(hub)
    services.food_request_start(request=request, actor=operator)
    line = request.lines.get()
    with pytest.raises(ValidationError, match="調整の理由"):
        services.food_request_adjust(
            request=request, adjusted={line.pk: Decimal("10")}, reason=" ", actor=operator
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.food_request_adjust(
            request=request,
            adjusted={line.pk: Decimal("10")},
            reason="今週は主食が少ないため",
            actor=operator,
        )
    line.refresh_from_db()
    assert line.agreed_kg == Decimal("10.00")
    assert "今週は主食が少ないため" in mailoutbox[-1].body
    with pytest.raises(ValidationError, match="お断りの理由"):
        services.food_request_decline(request=request, reason="", actor=operator)
    with django_capture_on_commit_callbacks(execute=True):
        declined = services.food_request_decline(
            request=request, reason="冷凍庫の故障のため", actor=operator
        )
    assert declined.status == FoodRequest.Status.DECLINED
    assert "お受けできませんでした" in mailoutbox[-1].subject
    with pytest.raises(ValidationError, match="変更できません"):
        services.food_request_start(request=request, actor=operator)


def test_the_guideline_is_advisory_and_counts_this_months_kg(hub, staff, category):
    partner, contact = partner_with_contact(hub, actor=staff, guideline="10")
    item = ItemFactory(category=category)
    receive(hub, item, 50, actor=staff, expiry=days(300))
    operator = operator_of(hub)
    for kg in ("8", "8"):  # the second goes past the guideline: shown, never refused
        request = submit(partner, contact, category=category, kg=kg)
        services.food_request_start(request=request, actor=operator)
        services.food_request_fill(
            request=request,
            picks=[services.PickRequest(item=item, kg=Decimal(kg))],
            distributed_on=today(),
            actor=operator,
        )
    assert selectors.partner_month_kg(partner, on_date=today()) == Decimal("16.00")
    history = selectors.partner_history(partner, today=today())
    assert [(row["category"], row["kg"]) for row in history] == [("主食", Decimal("16.00"))]


def test_the_day_before_reminder_is_sent_once_and_scheduled(hub, staff, category, mailoutbox):
    partner, contact = partner_with_contact(hub, actor=staff)
    tomorrow = submit(partner, contact, category=category, needed_on=days(1))
    later = submit(partner, contact, category=category, needed_on=days(2))
    waiting = submit(partner, contact, category=category, needed_on=days(1))
    operator = operator_of(hub)
    for request in (tomorrow, later):
        services.food_request_start(request=request, actor=operator)
    mailoutbox.clear()
    assert services.food_request_reminders_send(today=today()) == 1
    assert services.food_request_reminders_send(today=today()) == 0
    assert "明日" in mailoutbox[0].subject
    assert waiting.status == FoodRequest.Status.SUBMITTED
    assert any(
        task["task"] == "foodhub.tasks.food_request_reminder_task" for task in PERIODIC_TASKS
    )


# --- recall ------------------------------------------------------------------------------------


def test_a_recall_lists_every_organisation_and_date_the_lot_went_to_across_transfers(
    staff, category
):
    hub = site_with_zones(name="ロジ拠点")
    town = site_with_zones(name="ハブ拠点 若桜町")
    item = ItemFactory(name="ツナ缶", category=category)
    lot = receive(hub, item, 30, actor=staff, expiry=days(400))
    other = receive(hub, item, 30, actor=staff, expiry=days(500))
    here, _contact = partner_with_contact(hub, actor=staff, name="こども食堂ひまわり")
    there, _contact = partner_with_contact(town, actor=staff, name="地域食堂わかさ")
    services.distribution_create(
        site=hub,
        recipient=here.recipient,
        distributed_on=days(-2),
        requests=[services.PickRequest(item=None, kg=Decimal("5"), lot=lot)],
        actor=staff,
    )
    transfer = services.transfer_send(
        from_site=hub,
        to_site=town,
        sent_on=days(-2),
        requests=[services.PickRequest(item=None, kg=Decimal("10"), lot=lot)],
        actor=staff,
    )
    services.transfer_receive(transfer=transfer, received_on=days(-1), received={}, actor=staff)
    arrived = Lot.objects.get(transfer=transfer)
    services.distribution_create(
        site=town,
        recipient=there.recipient,
        distributed_on=today(),
        requests=[services.PickRequest(item=None, kg=Decimal("4"), lot=arrived)],
        actor=staff,
    )
    services.distribution_create(  # another lot of the same item: not recalled
        site=hub,
        recipient=here.recipient,
        distributed_on=today(),
        requests=[services.PickRequest(item=None, kg=Decimal("3"), lot=other)],
        actor=staff,
    )
    rows = list(selectors.lot_recall_rows(user=staff, lot=lot))
    assert [
        (
            r.distribution.distributed_on,
            r.distribution.recipient.food_partner.organisation.name,
            r.kg,
        )
        for r in rows
    ] == [
        (days(-2), "こども食堂ひまわり", Decimal("5.00")),
        (today(), "地域食堂わかさ", Decimal("4.00")),
    ]
    # A hub operator sees the distributions of their own sites only.
    assert len(selectors.lot_recall_rows(user=operator_of(town), lot=lot)) == 1
