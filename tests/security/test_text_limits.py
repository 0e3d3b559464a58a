"""Every text a person can type has a maximum the model itself checks (so the admin, imports and
every form are covered), walked over every TextField of the project's models."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms import CharField

from core.limits import PUBLIC_TEXT_MAX, STAFF_TEXT_MAX
from council.forms import ConcernForm
from council.models import Case, SupporterConcern

from .registry import PROJECT_APPS

# Written by the application, never typed by a person: no maximum needed.
MACHINE_WRITTEN = {
    "core.ExportLog.filters": "the export's query string, written by the export",
    "core.GeneratedDocument.error": "the renderer's error, written by the task",
    "reports.MonthlyReport.error": "the builder's error, written by the task",
    "members.Organisation.search_text": "folded copy of the name fields, for search",
    "members.Organisation.staff_search_text": "folded copy of name and offer, for staff search",
    "members.Organisation.search_bigrams": "two-character runs of search_text, for search",
    "members.Organisation.staff_search_bigrams": "two-character runs of staff_search_text",
    "supporters.Supporter.search_bigrams": "two-character runs of search_text, for search",
}


def project_text_fields():
    """ "app.Model.field" for every TextField of the project's own, concrete models (history
    tables copy their model's fields and are left out)."""
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in (*PROJECT_APPS, "staff", "exchange") or meta.proxy:
            continue
        if model.__name__.startswith("Historical"):
            continue
        for field in meta.concrete_fields:
            # Text as typed (an encrypted date is a TextField underneath, typed as a date).
            if isinstance(field, models.TextField) and isinstance(field.formfield(), CharField):
                yield f"{meta.label}.{field.name}", field


def _limit(field):
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
    return min(limits) if limits else None


def test_every_text_field_a_person_types_has_a_maximum_the_model_checks():
    unbounded = [
        name
        for name, field in project_text_fields()
        if _limit(field) is None and name not in MACHINE_WRITTEN
    ]
    assert unbounded == [], "give each a max_length and a MaxLengthValidator (core.limits)"


def test_the_machine_written_list_names_only_fields_that_exist():
    fields = dict(project_text_fields())
    for name in MACHINE_WRITTEN:
        assert name in fields, name


def test_each_bounded_field_tells_its_form_the_same_maximum():
    for name, field in project_text_fields():
        limit = _limit(field)
        if limit is not None and field.editable and field.get_internal_type() == "TextField":
            assert field.max_length == limit, name


def test_the_public_concern_form_and_model_agree():
    form = ConcernForm()
    assert form.fields["concern"].max_length == PUBLIC_TEXT_MAX
    assert form.fields["supporter_name"].max_length == 100


@pytest.mark.django_db
def test_an_over_long_case_summary_is_refused_by_the_model_in_japanese():
    case = Case(summary="あ" * (STAFF_TEXT_MAX + 1))

    with pytest.raises(ValidationError) as refused:
        case.full_clean()

    assert f"{STAFF_TEXT_MAX} 文字以下" in str(refused.value.message_dict["summary"])


@pytest.mark.django_db
def test_an_over_long_concern_is_refused_by_the_model():
    concern = SupporterConcern(concern="あ" * (PUBLIC_TEXT_MAX + 1))

    with pytest.raises(ValidationError) as refused:
        concern.full_clean()

    assert "concern" in refused.value.message_dict
