"""The 事務局's screens for the board: check posts before other members see them (publish, or
reject with the reason), and read every exchange and its outcome. Writes go through
exchange.services; the change-level permission on posts is what moderating takes."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_base import DomainModelAdmin, ReadOnlyMixin, ServiceModelAdmin, apply_to_each
from core.models import Municipality

from . import services
from .geography import centre_of
from .models import Exchange, Message, Place, Post


class WarningFilter(admin.SimpleListFilter):
    title = _("personal data warnings")
    parameter_name = "warned"

    def lookups(self, request, model_admin):
        return [("yes", _("with warnings")), ("no", _("without warnings"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(warnings=[])
        if self.value() == "no":
            return queryset.filter(warnings=[])
        return queryset


@admin.register(Post)
class PostAdmin(ServiceModelAdmin):
    list_display = [
        "title",
        "kind",
        "resource",
        "organisation",
        "municipality",
        "starts_on",
        "ends_on",
        "status",
        "has_warnings",
        "created_at",
    ]
    list_select_related = ["organisation", "municipality"]
    list_filter = ["status", "kind", "resource", WarningFilter, "municipality"]
    search_fields = ["title", "organisation__name", "organisation__name_kana"]
    date_hierarchy = "created_at"
    fields = [
        "status",
        "kind",
        "resource",
        "organisation",
        "title",
        "body",
        "warning_list",
        "activity_field_names",
        "municipality",
        "starts_on",
        "ends_on",
        "created_by",
        "created_at",
        "moderated_by",
        "moderated_at",
        "rejection_reason",
        "closed_at",
    ]
    readonly_fields = [f for f in fields if f != "rejection_reason"]
    actions = ["publish"]
    change_form_template = "admin/exchange/post/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("activity_fields")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("warnings"))
    def has_warnings(self, obj):
        return bool(obj.warnings)

    @admin.display(description=_("personal data warnings"))
    def warning_list(self, obj):
        if not obj.warnings:
            return "—"
        return format_html_join("", "<p class='errornote'>{}</p>", ((w,) for w in obj.warnings))

    @admin.display(description=_("fields of activity"))
    def activity_field_names(self, obj):
        return "、".join(str(f) for f in obj.activity_fields.all())

    def service_save(self, request, obj, form, change):
        if "_reject" in request.POST:
            services.post_reject(
                post=obj, reason=form.cleaned_data.get("rejection_reason", ""), actor=request.user
            )
        elif "_publish" in request.POST:
            services.post_approve(post=obj, actor=request.user)
        elif form.changed_data:
            raise ValidationError(_("Publish the post, or reject it with the reason."))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_moderate"] = obj is not None and obj.status == Post.Status.PENDING
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=_("Publish the chosen posts"), permissions=["change"])
    def publish(self, request, queryset):
        done = apply_to_each(
            self,
            request,
            queryset,
            lambda post: services.post_approve(post=post, actor=request.user),
        )
        if done:
            self.message_user(request, _("Published: %(n)d") % {"n": done}, messages.SUCCESS)


class MessageInline(ReadOnlyMixin, admin.TabularInline):
    model = Message
    fields = ["created_at", "organisation", "author", "body"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "author")


@admin.register(Exchange)
class ExchangeAdmin(ReadOnlyMixin, DomainModelAdmin):
    list_display = [
        "__str__",
        "need_organisation",
        "offer_organisation",
        "status",
        "created_at",
        "matched_at",
        "done_at",
        "withdrawn_at",
    ]
    list_select_related = ["need__organisation", "offer__organisation"]
    list_filter = ["status"]
    search_fields = [
        "need__title",
        "offer__title",
        "need__organisation__name",
        "offer__organisation__name",
    ]
    date_hierarchy = "created_at"
    fields = [
        "need",
        "offer",
        "status",
        "started_by",
        "created_at",
        "matched_at",
        "done_at",
        "withdrawn_at",
    ]
    readonly_fields = fields
    inlines = [MessageInline]

    @admin.display(description=_("organisation in need"), ordering="need__organisation__name")
    def need_organisation(self, obj):
        return obj.need.organisation

    @admin.display(description=_("organisation offering"), ordering="offer__organisation__name")
    def offer_organisation(self, obj):
        return obj.offer.organisation


@admin.register(Place)
class PlaceAdmin(DomainModelAdmin):
    """The 事務局 puts each place on the map by clicking it (exchange/place_admin.js) or by
    typing the coordinates; without them the place stands at its municipality's centre."""

    list_display = ["display_name", "kind", "municipality", "opening", "placed", "is_public"]
    list_select_related = ["municipality", "organisation", "site"]
    list_filter = ["kind", "is_public", "municipality"]
    search_fields = ["name", "organisation__name", "organisation__name_kana", "site__name", "venue"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["activity_fields"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "organisation", "site", "municipality", "is_public"]}),
        (_("what is shown"), {"fields": ["venue", "description", "activity_fields"]}),
        (
            _("opening days"),
            {
                "fields": [
                    ("opens_mon", "opens_tue", "opens_wed", "opens_thu"),
                    ("opens_fri", "opens_sat", "opens_sun"),
                    "opening_note",
                ]
            },
        ),
        (_("position on the map"), {"fields": [("latitude", "longitude"), "updated_at"]}),
    ]
    change_form_template = "admin/exchange/place/change_form.html"

    class Media:
        css = {"all": ["exchange/vendor/leaflet/leaflet.css", "exchange/place_admin.css"]}
        js = ["exchange/vendor/leaflet/leaflet.js", "exchange/place_admin.js"]

    @admin.display(description=_("name"), ordering="name")
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description=_("opens"))
    def opening(self, obj):
        return "・".join(obj.opening_days)

    @admin.display(boolean=True, description=_("placed"))
    def placed(self, obj):
        return obj.latitude is not None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["map_centres"] = {
            str(m.pk): centre_of(m.name)
            for m in Municipality.objects.only("pk", "name")
            if centre_of(m.name)
        }
        context["tile_url"] = settings.MAP_TILE_URL
        context["tile_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return super().render_change_form(request, context, add, change, form_url, obj)
