import pytest
from django.test import RequestFactory

from core.abuse import client_ip, rate_limit_exceeded


def _request(forwarded=None, remote="10.0.0.9"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **headers)


def test_without_a_proxy_a_forged_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.9"


def test_behind_one_proxy_the_address_it_saw_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The visitor forged the first entry; the proxy appended the real one.
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize("limit", [1, 5])
def test_the_limit_allows_exactly_limit_attempts_per_window(limit):
    request = _request()

    results = [
        rate_limit_exceeded(request, scope="t", limit=limit, window_seconds=60)
        for _ in range(limit + 1)
    ]

    assert results == [False] * limit + [True]


def test_forged_headers_do_not_reset_the_count(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(3):
        rate_limit_exceeded(_request(forwarded=f"9.9.9.{n}"), scope="t", limit=3, window_seconds=60)

    assert rate_limit_exceeded(_request(forwarded="9.9.9.9"), scope="t", limit=3, window_seconds=60)


def test_scopes_are_counted_apart():
    request = _request()
    rate_limit_exceeded(request, scope="a", limit=1, window_seconds=60)

    assert not rate_limit_exceeded(request, scope="b", limit=1, window_seconds=60)
