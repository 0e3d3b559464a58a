"""Places, rule sets and consent texts entered by the secretariat in the admin."""

from django.db import transaction

from core.audit import audit

from ..models import ConsentText, SchoolDistrict, SupporterRuleSet


def _record_save(record, kind: str, actor):
    """Create (record.pk is None) or correct a record, its history row labelled with what
    happened."""
    event = "created" if record.pk is None else "corrected"
    with transaction.atomic():
        audit(record, f"supporters.{kind}.{event}", actor).save()
    return record


def school_district_save(*, district: SchoolDistrict, actor) -> SchoolDistrict:
    """A school district and its target (also the target edited in the list)."""
    return _record_save(district, "school_district", actor)


def rule_set_save(*, rules: SupporterRuleSet, actor) -> SupporterRuleSet:
    """A rule set; the newest one valid on a day is in force (SupporterRuleSet.objects)."""
    return _record_save(rules, "rule_set", actor)


def consent_text_save(*, text: ConsentText, actor) -> ConsentText:
    """A version of the consent text people agree to."""
    return _record_save(text, "consent_text", actor)
