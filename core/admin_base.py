from django.contrib import messages
from django.contrib.admin.utils import (
    NotRelationField,
    get_fields_from_path,
    lookup_spawns_duplicates,
)
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .exports import LoggedExportMixin
from .japanese import fold

_LOOKUPS = {"exact", "iexact", "contains", "icontains", "startswith", "istartswith"}

# A search word of one character matches nearly every row and no index can serve it: such a
# search is refused with a message instead of reading the whole table. (A trigram needs three
# characters; a two-character word reads the column's bigram companion where the model keeps one,
# see core.japanese.bigrams, and is served by a scan elsewhere.)
SEARCH_MIN_CHARACTERS = 2


def too_short_search(term: str) -> bool:
    """True when a word of the search term is shorter than SEARCH_MIN_CHARACTERS (folded)."""
    return any(len(fold(word)) < SEARCH_MIN_CHARACTERS for word in term.split())


def too_short_search_message() -> str:
    return _("Enter at least %(n)d characters for every search word.") % {
        "n": SEARCH_MIN_CHARACTERS
    }


class ReadOnlyMixin:
    """For records written only by services (or append-only): viewable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FoldedSearchMixin:
    """Search folded columns with a folded term: width and kana do not matter.

    Each word of the term must be found in one of `search_fields`. A folded column (its path
    ends in `search_text`) is searched with the folded word by a plain LIKE on the column, which
    PostgreSQL's trigram index on it serves — a two-character word in its `search_bigrams`
    companion when there is one; any other field as Django does (icontains, or the lookup it
    names) with the word as typed.
    """

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        words = search_term.split()
        if not fields or not words:
            return super().get_search_results(request, queryset, search_term)
        if too_short_search(search_term):
            messages.warning(request, too_short_search_message())
            return queryset.none(), False
        opts = queryset.model._meta
        lookups = []  # (lookup, folded, the bigram column's lookup for two-character words)
        for field in fields:
            path, _sep, lookup = field.partition("__contains")
            if path.endswith("search_text"):
                pairs = bigram_path(queryset.model, path)
                lookups.append((f"{path}__contains", True, pairs and f"{pairs}__contains"))
            elif field.startswith("="):
                lookups.append((f"{field[1:]}__iexact", False, None))
            elif LOOKUP_SEP in field and field.rsplit(LOOKUP_SEP, 1)[1] in _LOOKUPS:
                lookups.append((field, False, None))
            else:
                lookups.append((f"{field}__icontains", False, None))
        has_bigrams = any(pairs for _lookup, _folded, pairs in lookups)
        for word in words:
            short = len(fold(word)) == 2
            condition = Q()
            for lookup, folded, pairs in lookups:
                if short and pairs:
                    condition |= Q(**{pairs: f" {fold(word)} "})
                elif short and has_bigrams and lookup.endswith("__contains") and not folded:
                    # Two characters of an e-mail address or phone number as typed: no trigram
                    # index serves them and they would match nearly every row; the name's
                    # bigrams answer such a word.
                    continue
                else:
                    condition |= Q(**{lookup: fold(word) if folded else word})
            queryset = queryset.filter(condition)
        may_have_duplicates = any(
            lookup_spawns_duplicates(opts, lookup.rsplit(LOOKUP_SEP, 1)[0])
            for lookup, _folded, _pairs in lookups
        )
        return queryset, may_have_duplicates


def bigram_path(model, path: str) -> str | None:
    """The bigram column beside a folded `…search_text` column (`…search_bigrams`, see
    core.japanese.bigrams), or None when the model keeps none."""
    pairs = path.removesuffix("search_text") + "search_bigrams"
    try:
        get_fields_from_path(model, pairs)
    except (FieldDoesNotExist, NotRelationField):
        return None
    return pairs


class DomainModelAdmin(LoggedExportMixin, SimpleHistoryAdmin):
    """Base for every domain record's admin: change history and logged, formula-safe CSV export.

    Subclasses set `resource_classes` to a SafeModelResource.

    Deleting a record (its delete page and the bulk "delete selected" action) is for superusers
    only: a domain record's history and the records that name it must stay, and a role's
    `delete_*` permission alone must not bypass the services. An admin whose records may be
    deleted defines `service_delete(request, obj)`, which calls the app's service; both the page
    and the bulk action then go through it (the bulk action in one transaction); a refusal
    (ValidationError) comes back as a message, nothing deleted.
    """

    show_full_result_count = False
    service_delete = None  # or a method: (request, obj) -> None, calling a service

    def has_delete_permission(self, request, obj=None):
        if self.service_delete is None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        if self.service_delete is None:
            return super().delete_model(request, obj)
        return self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        if self.service_delete is None:
            return super().delete_queryset(request, queryset)
        with transaction.atomic():
            for obj in queryset.order_by("pk"):
                self.service_delete(request, obj)

    def get_deleted_objects(self, objs, request):
        # Through a service, the service decides what goes with the record (and refuses what
        # must stay): the role needs delete on the record, not on every model that cascades.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if self.service_delete is not None:
            perms_needed = set()
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            # The service refused; the view's transaction (its log entry too) was rolled back.
            report_refusal(self, request, exc)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                    current_app=self.admin_site.name,
                )
            )

    def response_action(self, request, queryset):
        if self.service_delete is None:
            return super().response_action(request, queryset)
        try:
            # One refusal in a bulk delete keeps every record (and writes no log entry).
            with transaction.atomic():
                return super().response_action(request, queryset)
        except ValidationError as exc:
            report_refusal(self, request, exc)
            return HttpResponseRedirect(request.get_full_path())


class SuperuserDeletesMixin:
    """For an admin outside DomainModelAdmin (a plain list of names): only superusers delete."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def report_refusal(modeladmin, request, exc: ValidationError, *, about=None, level=messages.ERROR):
    """A service's refusal as admin messages, prefixed with the record it concerns."""
    prefix = f"{about}: " if about is not None else ""
    for message in exc.messages:
        modeladmin.message_user(request, f"{prefix}{message}", level=level)


def apply_to_each(modeladmin, request, records, action, *, about=str, level=messages.ERROR) -> int:
    """Run `action(record)` (a service call) for each record; a refusal is reported against
    `about(record)` and the others go on. Returns how many succeeded."""
    done = 0
    for record in records:
        try:
            action(record)
            done += 1
        except ValidationError as exc:
            report_refusal(modeladmin, request, exc, about=about(record), level=level)
    return done


class _ServiceRefused(Exception):
    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


class ServiceModelAdmin(DomainModelAdmin):
    """The admin's own form saves through a service: `service_save(request, obj, form, change)`
    writes `obj` (the form's unsaved instance) by calling the app's service, which validates,
    writes atomically and labels the history row (core.audit).

    A refusal (ValidationError) rolls the whole save back and shows the form again, as posted,
    with the refusal as a form error. Inlines are the admin's own business (`save_formset`).
    """

    def service_save(self, request, obj, form, change) -> None:
        raise NotImplementedError(f"{type(self).__name__} must define service_save()")

    def save_model(self, request, obj, form, change):
        try:
            self.service_save(request, obj, form, change)
        except ValidationError as exc:
            raise _ServiceRefused(exc) from exc

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _ServiceRefused as refused:
            # The first pass rolled back; the second validates the same POST with the refusal
            # added to the form, so the page comes back with the user's input and the reason.
            request._service_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                self.add_error(None, refusal.messages)
                return cleaned_data

        return RefusedForm
