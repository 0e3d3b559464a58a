"""Answering one need–offer pair twice: a double click, or both sides at the same moment."""

import threading

import pytest
from django.db import connection

from exchange import services
from exchange.models import Exchange, Message
from tests.conftest import requires_postgres
from tests.foodhub.factories import secretariat

from .board_factories import member_with_contact, post


def _pair():
    staff = secretariat()
    needer, needer_user = member_with_contact()
    offerer, offerer_user = member_with_contact()
    need = post(needer, needer_user, publish_by=staff)
    offer = post(offerer, offerer_user, kind="offer", publish_by=staff)
    return (needer, needer_user, need), (offerer, offerer_user, offer)


def _started_count(exchange):
    return exchange.history.filter(history_change_reason="exchange.exchange.started").count()


@pytest.mark.django_db
def test_a_double_click_on_answer_keeps_the_one_thread():
    _needs, (offerer, offerer_user, offer) = _pair()
    need = _needs[2]
    first = services.exchange_start(
        own_post=offer, other_post=need, organisation=offerer, body="使えます", actor=offerer_user
    )
    second = services.exchange_start(
        own_post=offer, other_post=need, organisation=offerer, body="使えます", actor=offerer_user
    )
    assert second.pk == first.pk
    assert Exchange.objects.count() == 1
    assert _started_count(first) == 1


@requires_postgres()
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_both_sides_answering_the_pair_at_once_share_one_thread_without_an_error():
    (needer, needer_user, need), (offerer, offerer_user, offer) = _pair()
    calls = [
        dict(own_post=need, other_post=offer, organisation=needer, actor=needer_user),
        dict(own_post=offer, other_post=need, organisation=offerer, actor=offerer_user),
    ]
    start = threading.Barrier(2)
    results = []

    def answer(kwargs):
        try:
            start.wait()
            exchange = services.exchange_start(body="ぜひお願いします", **kwargs)
            results.append(("ok", exchange.pk))
        except Exception as exc:  # any error at all is the bug
            results.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [kind for kind, _detail in results] == ["ok", "ok"], results
    exchange = Exchange.objects.get()
    assert {detail for _kind, detail in results} == {exchange.pk}
    assert Message.objects.filter(exchange=exchange).count() == 2
    assert _started_count(exchange) == 1
