"""Two operators start the same request at the same moment (real PostgreSQL transactions)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from foodhub import services
from foodhub.models import FoodRequest
from tests.conftest import requires_postgres

from .factories import (
    FoodCategoryFactory,
    operator_of,
    partner_with_contact,
    secretariat,
    site_with_zones,
    submit,
)


@requires_postgres()
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_operators_starting_the_same_request_at_once_one_gets_it_one_is_told():
    hub = site_with_zones()
    staff = secretariat()
    partner, contact = partner_with_contact(hub, actor=staff)
    request = submit(partner, contact, category=FoodCategoryFactory(name="主食"))
    operators = [operator_of(hub), operator_of(hub)]
    start = threading.Barrier(2)
    results = []

    def take(operator):
        try:
            start.wait()
            services.food_request_start(request=request, actor=operator)
            results.append(("ok", operator.pk))
        except ValidationError as exc:
            results.append(("refused", " ".join(exc.messages)))
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(o,)) for o in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(kind for kind, _detail in results)
    assert outcomes == ["ok", "refused"], results
    winner = next(detail for kind, detail in results if kind == "ok")
    refusal = next(detail for kind, detail in results if kind == "refused")
    assert "すでに" in refusal and "準備中" in refusal
    request = FoodRequest.objects.get(pk=request.pk)
    assert request.status == FoodRequest.Status.IN_PROGRESS
    assert request.operator_id == winner
    assert request.history.filter(history_change_reason="foodhub.food_request.started").count() == 1
