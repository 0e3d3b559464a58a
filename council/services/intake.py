"""Step 1: intake, consent and sharing with agencies (情報共有), supporter concerns."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit

from .. import crypto
from ..access import log_access
from ..models import (
    AccessLog,
    Agency,
    Case,
    CaseAssignment,
    CaseParticipant,
    CouncilMember,
    SupporterConcern,
)
from ._common import membership, new_reference, require_open

INTAKE = CouncilMember.Role.INTAKE
PERSONAL_FIELDS = (
    "person_name",
    "person_kana",
    "date_of_birth",
    "address",
    "contact",
    "household",
    "summary",
    "consent_basis",
)


def possible_duplicates(*, user, person_kana, date_of_birth):
    """Open cases with the same folded kana and date of birth, among those `user` may see only
    (found by the blind index, without decrypting anything)."""
    digest = crypto.blind_index(person_kana, date_of_birth)
    if not digest:
        return Case.objects.none()
    return Case.objects.visible_to(user).open().filter(blind_index=digest)


def case_intake(*, council, actor, data: dict, categories=(), concern=None, request=None) -> Case:
    """Open a case at intake. `data` holds the Case fields of the intake form."""
    membership(actor, council.pk, INTAKE)
    footing = data.get("footing")
    consent = data.get("consent")
    if footing == Case.Footing.CONSENT and consent != Case.Consent.GIVEN:
        raise ValidationError(
            {"consent": _("A case held with consent needs the person's consent (同意あり).")}
        )
    if not (data.get("person_name") or "").strip() or not (data.get("person_kana") or "").strip():
        raise ValidationError(_("Enter the person's name and its reading."))
    if concern is not None and (
        concern.council_id != council.pk or concern.status != SupporterConcern.Status.NEW
    ):
        raise ValidationError(_("This concern is not waiting in your intake queue."))
    with transaction.atomic():
        case = Case(council=council, reference=new_reference("C"), created_by=actor, **data)
        case.blind_index = crypto.blind_index(case.person_kana, case.date_of_birth)
        audit(case, "council.case.intake", actor).save()
        case.categories.set(categories)
        if concern is not None:
            concern.status = SupporterConcern.Status.OPENED
            concern.case = case
            concern.save(update_fields=["status", "case"])
        if request is not None:
            log_access(request, AccessLog.Action.WRITE, case=case)
    return case


def case_record_consent(*, case, actor, request=None) -> Case:
    """The person agreed: a 支援会議 record becomes a consented case, keeping its history."""
    require_open(case)
    membership(actor, case.council_id, INTAKE)
    with transaction.atomic():
        case.footing = Case.Footing.CONSENT
        case.consent = Case.Consent.GIVEN
        audit(case, "council.case.consent_given", actor).save()
        if request is not None:
            log_access(request, AccessLog.Action.WRITE, case=case)
    return case


def case_share(*, case, agency: Agency, actor, override_reason="", request=None):
    """Share the case with an agency. Needs recorded consent, or a member allowed to override
    who gives a reason (logged as an override)."""
    require_open(case)
    member = membership(actor, case.council_id, INTAKE, CouncilMember.Role.SUPERVISOR)
    if agency.council_id != case.council_id or agency.left_on is not None:
        raise ValidationError(_("The agency is not a member of this council."))
    if case.assignments.filter(agency=agency, ended_at__isnull=True).exists():
        raise ValidationError(_("The case is already shared with this agency."))
    override = case.consent != Case.Consent.GIVEN
    if override:
        if not member.can_override_consent:
            raise ValidationError(
                _("Without the person's consent only a member allowed to override may share.")
            )
        if not override_reason.strip():
            raise ValidationError(_("Give the reason for sharing without consent."))
    with transaction.atomic():
        assignment = CaseAssignment(
            case=case,
            agency=agency,
            assigned_by=actor,
            override_reason=override_reason.strip() if override else "",
        )
        audit(assignment, "council.case.shared", actor).save()
        if case.status == Case.Status.INTAKE:
            case.status = Case.Status.NEEDS
            audit(case, "council.case.to_needs", actor).save()
        if request is not None:
            action = AccessLog.Action.OVERRIDE if override else AccessLog.Action.WRITE
            log_access(request, action, case=case)
    return assignment


def case_unshare(*, assignment, actor):
    membership(actor, assignment.case.council_id, INTAKE, CouncilMember.Role.SUPERVISOR)
    with transaction.atomic():
        assignment.ended_at = timezone.now()
        audit(assignment, "council.case.unshared", actor).save()


def case_add_participant(*, case, user, actor):
    """Name a council member as a participant of a 支援会議 (no-consent) case."""
    membership(actor, case.council_id, INTAKE)
    membership(user, case.council_id)  # must be a member in force of the same council
    with transaction.atomic():
        participant, _created = CaseParticipant.objects.get_or_create(
            case=case, user=user, defaults={"added_by": actor}
        )
    return participant


def concern_submit(*, data: dict, submission_token) -> tuple[SupporterConcern, bool]:
    """Record a supporter's concern for the council of that municipality (or the prefecture's).
    A repeated submission with the same token returns the first one."""
    from ..models import Council
    from ..notifications import mail_concern_receipt

    existing = SupporterConcern.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False
    municipality = data["municipality"]
    council = (
        Council.objects.filter(municipality=municipality).first()
        or Council.objects.filter(
            municipality__isnull=True, prefecture=municipality.prefecture
        ).first()
    )
    if council is None:
        raise ValidationError(
            _("No council takes concerns for this municipality yet. Please call the secretariat.")
        )
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            concern = SupporterConcern.objects.create(
                receipt_number=new_reference("R"),
                submission_token=submission_token,
                council=council,
                **data,
            )
            transaction.on_commit(lambda: mail_concern_receipt(concern))
    except IntegrityError:
        existing = SupporterConcern.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return existing, False
    return concern, True


def concern_dismiss(*, concern, actor):
    membership(actor, concern.council_id, INTAKE)
    if concern.status != SupporterConcern.Status.NEW:
        raise ValidationError(_("This concern is not waiting in your intake queue."))
    concern.status = SupporterConcern.Status.DISMISSED
    concern.save(update_fields=["status"])
