"""Reads of the needs and resources board."""

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone

from core.models import Municipality
from members.models import Organisation

from .geography import centre_of, neighbours_of
from .models import WEEKDAYS, Exchange, Message, Place, Post

WEEKDAY_CODES = {code for code, _label in WEEKDAYS}


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


# --- the board ---------------------------------------------------------------------------------


def _with_relations(posts):
    return posts.select_related("organisation", "municipality").prefetch_related("activity_fields")


def nearby_municipality_ids(municipality) -> list[int]:
    """The municipality and its neighbours (exchange/data/municipalities.json)."""
    names = {municipality.name, *neighbours_of(municipality.name)}
    return list(
        Municipality.objects.filter(Q(name__in=names) | Q(pk=municipality.pk)).values_list(
            "pk", flat=True
        )
    )


def suggestions_for(post):
    """Published posts of the other kind that may suit `post`: another organisation, the same
    resource, the same or a neighbouring municipality, a field of activity in common, and dates
    that overlap. Soonest first."""
    other_kind = Post.Kind.OFFER if post.kind == Post.Kind.NEED else Post.Kind.NEED
    fields = post.activity_fields.all()
    return _with_relations(
        Post.objects.published()
        .filter(
            kind=other_kind,
            resource=post.resource,
            municipality_id__in=nearby_municipality_ids(post.municipality),
            starts_on__lte=post.ends_on,
            ends_on__gte=post.starts_on,
        )
        .exclude(organisation_id=post.organisation_id)
        .filter(
            Exists(
                Post.activity_fields.through.objects.filter(
                    post_id=OuterRef("pk"), activityfield__in=fields
                )
            )
        )
        .order_by("starts_on", "pk")
    )


def board_posts(*, kind="", resource="", municipality_id=None, field_id=None, today=None):
    """What members see on the board: published posts whose dates have not passed."""
    today = today or timezone.localdate()
    posts = Post.objects.published().filter(ends_on__gte=today)
    if kind:
        posts = posts.filter(kind=kind)
    if resource:
        posts = posts.filter(resource=resource)
    if municipality_id:
        posts = posts.filter(municipality_id=municipality_id)
    if field_id:
        posts = posts.filter(activity_fields__id=field_id)
    return _with_relations(posts.order_by("starts_on", "-pk"))


def organisation_posts(organisation):
    return _with_relations(Post.objects.filter(organisation=organisation))


def visible_post(organisation, pk):
    """A post an organisation's contact may open: its own (any state) or a published one."""
    return _with_relations(
        Post.objects.filter(Q(organisation=organisation) | Q(status=Post.Status.PUBLISHED))
    ).get(pk=pk)


def organisation_exchanges(organisation):
    """The exchanges an organisation takes part in, newest activity first."""
    return (
        Exchange.objects.filter(
            Q(need__organisation=organisation) | Q(offer__organisation=organisation)
        )
        .select_related("need__organisation", "offer__organisation")
        .annotate(last_message_at=Max("messages__created_at"))
        .order_by("-last_message_at", "-pk")
    )


def visible_exchange(organisation, pk):
    return (
        organisation_exchanges(organisation)
        .select_related("need__municipality", "offer__municipality")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("organisation", "author"),
            )
        )
        .get(pk=pk)
    )


def exchanges_between(own_post, other_post):
    need, offer = (
        (own_post, other_post) if own_post.kind == Post.Kind.NEED else (other_post, own_post)
    )
    return Exchange.objects.filter(need=need, offer=offer).first()


# --- the public resource map -------------------------------------------------------------------


def map_places(*, municipality_id=None, field_id=None, weekday: str = ""):
    """The public map's places in list order, as a queryset of ids (the page is cut from it, then
    `map_places_in_order` loads the page's rows with what they show: sorting only ids keeps the
    joins out of the sort at national scale). Filters: municipality, field of activity (the
    place's own or its member organisation's) and a day of the week it opens ("mon" … "sun")."""
    places = Place.objects.public().order_by(
        "municipality__display_order", "municipality_id", "kind", "name", "pk"
    )
    if municipality_id:
        places = places.filter(municipality_id=municipality_id)
    if field_id:
        # Two hashed IN lists rather than a correlated EXISTS per row.
        own = Place.activity_fields.through.objects.filter(activityfield_id=field_id)
        organisation = Organisation.activity_fields.through.objects.filter(
            activityfield_id=field_id
        )
        places = places.filter(
            Q(pk__in=own.values("place_id"))
            | Q(organisation_id__in=organisation.values("organisation_id"))
        )
    if weekday in WEEKDAY_CODES:
        places = places.filter(**{f"opens_{weekday}": True})
    return places.values_list("pk", flat=True)


def map_places_in_order(ids) -> list:
    """The places of `ids` (one page), in that order, with what the list shows."""
    ids = list(ids)
    rows = (
        Place.objects.filter(pk__in=ids)
        .select_related("municipality", "organisation", "site")
        .prefetch_related("activity_fields", "organisation__activity_fields")
        .in_bulk()
    )
    return [rows[pk] for pk in ids if pk in rows]


def place_point(place) -> tuple[float, float, bool] | None:
    """(latitude, longitude, placed) of a place: where the 事務局 put it, else its municipality's
    centre (placed False), else None."""
    if place.latitude is not None and place.longitude is not None:
        return float(place.latitude), float(place.longitude), True
    centre = centre_of(place.municipality.name)
    return (*centre, False) if centre else None


def place_fields(place) -> list:
    """The place's fields of activity and its member organisation's, once each (prefetched)."""
    fields = list(place.activity_fields.all())
    if place.organisation_id:
        fields += place.organisation.activity_fields.all()
    return list({field.pk: field for field in fields}.values())
