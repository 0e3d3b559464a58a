"""Abuse protection shared by the public forms: who is asking, and how often."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The visitor's address. X-Forwarded-For is trusted only for the configured number of
    reverse proxies in front of the application (TRUSTED_PROXY_COUNT); anyone can forge it
    otherwise."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_exceeded(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for this visitor and say whether they are over `limit` per window.

    Only a hash of the address is kept, in the cache, for the window.
    """
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        attempts = 1
    return attempts > limit
