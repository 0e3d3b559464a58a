"""Step 9 afterwards: an anonymised example (事例), checked for identifiers, approved by a
second council member, then visible to platform staff."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.japanese import fold, format_date, format_wareki

from ..models import Case, CaseExample
from ._common import membership

# Municipalities this small make a place name identifying (若桜町: 2,864 people).
SMALL_TOWN_POPULATION = 10_000
_PHONE = re.compile(r"\d{2,4}[-ー－(（)）\s]?\d{2,4}[-ー－)）\s]?\d{3,4}")
_POSTAL = re.compile(r"〒?\s?\d{3}-?\d{4}")


def _normalise(text: str) -> str:
    return fold(unicodedata.normalize("NFKC", text or "")).replace(" ", "").replace("　", "")


def identifier_findings(case: Case, text: str) -> list[str]:
    """What in `text` could identify the person of `case` (empty list: none found)."""
    body = _normalise(text)
    findings = []

    def contains(value):
        value = _normalise(value)
        return len(value) >= 2 and value in body

    for part in [case.person_name, *case.person_name.split()]:
        if contains(part):
            findings.append(_("the person's name"))
            break
    for part in [case.person_kana, *case.person_kana.split()]:
        if contains(part):
            findings.append(_("the reading of the person's name"))
            break
    address_parts = re.split(r"[\s、,]+|(?<=[都道府県市町村区])", case.address or "")
    if any(contains(p) for p in [case.address, *address_parts] if len(p or "") >= 3):
        findings.append(_("the address"))
    if case.contact and contains(re.sub(r"\D", "", case.contact)):
        findings.append(_("the contact"))
    if _PHONE.search(unicodedata.normalize("NFKC", text)) or _POSTAL.search(text):
        findings.append(_("a phone number or postal code"))
    if case.date_of_birth:
        dob = case.date_of_birth
        forms = [dob.isoformat(), format_date(dob), format_wareki(dob), f"{dob:%Y/%m/%d}"]
        if any(contains(f) for f in forms):
            findings.append(_("the date of birth"))
    town = case.municipality
    if (town.population or 0) < SMALL_TOWN_POPULATION and contains(town.name):
        findings.append(_("the name of a small municipality"))
    return findings


def example_draft(*, case, actor, title, body) -> CaseExample:
    membership(actor, case.council_id)
    if case.status != Case.Status.CLOSED:
        raise ValidationError(_("An example can be drafted only from a closed case."))
    if case.personal_erased_on is None:
        findings = identifier_findings(case, f"{title}\n{body}")
        if findings:
            raise ValidationError(
                _("The example may identify the person: %(found)s. Remove it and try again.")
                % {"found": "、".join(findings)}
            )
    with transaction.atomic():
        example = CaseExample(
            case=case, council_id=case.council_id, title=title, body=body, drafted_by=actor
        )
        audit(example, "council.example.drafted", actor).save()
    return example


def example_approve(*, example, actor) -> CaseExample:
    """A second member of the same council approves; the check runs again."""
    membership(actor, example.council_id)
    if example.status != CaseExample.Status.DRAFT:
        raise ValidationError(_("This example is already approved."))
    if example.drafted_by_id == actor.pk:
        raise ValidationError(_("A second council member must approve the example."))
    case = example.case
    if case is not None and case.personal_erased_on is None:
        findings = identifier_findings(case, f"{example.title}\n{example.body}")
        if findings:
            raise ValidationError(
                _("The example may identify the person: %(found)s. Remove it and try again.")
                % {"found": "、".join(findings)}
            )
    with transaction.atomic():
        example.status = CaseExample.Status.APPROVED
        example.approved_by = actor
        example.approved_at = timezone.now()
        audit(example, "council.example.approved", actor).save()
    return example
