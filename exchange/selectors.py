"""Reads of the needs and resources board."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from .models import Exchange, Post


def board_figures(start: datetime.date, end: datetime.date) -> dict:
    """The board's figures for the monthly report: posts created and exchange outcomes reached
    in [start, end] (dates in Asia/Tokyo, both ends included)."""
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    until = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
    )
    posts = Post.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        needs_posted=Count("pk", filter=Q(kind=Post.Kind.NEED)),
        offers_posted=Count("pk", filter=Q(kind=Post.Kind.OFFER)),
    )
    outcomes = Exchange.objects.aggregate(
        matched=Count("pk", filter=Q(matched_at__gte=since, matched_at__lt=until)),
        done=Count("pk", filter=Q(done_at__gte=since, done_at__lt=until)),
        withdrawn=Count("pk", filter=Q(withdrawn_at__gte=since, withdrawn_at__lt=until)),
    )
    return {**posts, **outcomes}
