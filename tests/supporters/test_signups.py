"""Sign-ups: one sign-up per form token (even two clicks at once), and the registrations
admin, which changes a sign-up only through its cancel and reinstate actions."""

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from supporters import services
from supporters.models import Registration
from tests.conftest import requires_postgres

from .factories import RegistrationFactory, TrainingSessionFactory, signup_data

pytestmark = pytest.mark.django_db


@requires_postgres()
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_arriving_at_once_records_one_signup_and_shows_no_error():
    session = TrainingSessionFactory()
    token = uuid.uuid4()
    data = signup_data(session.municipality)
    results = []
    barrier = threading.Barrier(2)

    def submit():
        barrier.wait()
        try:
            registration, created = services.registration_create(
                session_id=session.pk, data=data, token=token
            )
            results.append((registration.pk, created))
        except ValidationError as exc:
            results.append(("error", exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r for r in results if r[0] == "error"] == []  # the second click shows no error
    registration = Registration.objects.get()
    assert sorted(results, key=lambda r: r[1]) == [
        (registration.pk, False),
        (registration.pk, True),
    ]


def test_a_token_used_for_another_session_is_refused():
    first, second = TrainingSessionFactory(), TrainingSessionFactory()
    token = uuid.uuid4()
    services.registration_create(
        session_id=first.pk, data=signup_data(first.municipality), token=token
    )

    with pytest.raises(ValidationError, match="別の研修の申込に使われました"):
        services.registration_create(
            session_id=second.pk, data=signup_data(second.municipality), token=token
        )

    assert second.registrations.count() == 0


def _registration_action(client, action, registration):
    return client.post(
        reverse("admin:supporters_registration_changelist"),
        {"action": action, "_selected_action": [registration.pk]},
        follow=True,
    )


def test_registration_admin_cannot_add_edit_or_delete(client, secretariat):
    registration = RegistrationFactory()
    change = reverse("admin:supporters_registration_change", args=[registration.pk])

    assert client.get(reverse("admin:supporters_registration_add")).status_code == 403
    assert client.get(change).status_code == 200  # read-only view
    response = client.post(change, {"full_name": "書換", "email": "x@example.jp"})
    assert response.status_code == 403
    delete = reverse("admin:supporters_registration_delete", args=[registration.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    registration.refresh_from_db()
    assert registration.full_name != "書換"


def test_cancel_and_reinstate_a_sign_up_through_the_actions(client, secretariat):
    registration = RegistrationFactory(session=TrainingSessionFactory(capacity=1))

    _registration_action(client, "cancel", registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    _registration_action(client, "reactivate", registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_reinstating_into_a_full_session_is_refused_with_a_message(client, secretariat):
    session = TrainingSessionFactory(capacity=1)
    registration = RegistrationFactory(session=session)
    _registration_action(client, "cancel", registration)
    RegistrationFactory(session=session)  # the freed seat is taken: exactly full

    response = _registration_action(client, "reactivate", registration)

    assert response.status_code == 200
    assert "定員に達しました" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_reinstating_when_the_address_signed_up_again_is_refused(client, secretariat):
    session = TrainingSessionFactory(capacity=5)
    registration = RegistrationFactory(session=session, email="again@example.jp")
    _registration_action(client, "cancel", registration)
    RegistrationFactory(session=session, email="again@example.jp")

    response = _registration_action(client, "reactivate", registration)

    assert response.status_code == 200
    assert "既に申し込まれています" in response.content.decode()
    assert session.registrations.filter(status="registered").count() == 1
