"""Steps 2–6: needs hearing, case meeting and versioned plans, support, follow-up, flags,
transfer to another council."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit

from ..models import (
    Agency,
    Case,
    CaseAssignment,
    CaseMeeting,
    CouncilMember,
    Flag,
    FollowUp,
    NeedsHearing,
    PlanRole,
    SupportPlan,
    SupportRecord,
    Transfer,
)
from ._common import membership, require_open

INTAKE = CouncilMember.Role.INTAKE
SUPERVISOR = CouncilMember.Role.SUPERVISOR


def hearing_record(*, case, actor, heard_on, person_wishes, family_wishes="") -> NeedsHearing:
    require_open(case)
    membership(actor, case.council_id)
    if not person_wishes.strip():
        raise ValidationError(_("Write what the person wants."))
    with transaction.atomic():
        hearing = NeedsHearing(
            case=case,
            heard_on=heard_on,
            heard_by=actor,
            person_wishes=person_wishes,
            family_wishes=family_wishes,
        )
        audit(hearing, "council.hearing.recorded", actor).save()
        if case.status in (Case.Status.INTAKE, Case.Status.NEEDS):
            case.status = Case.Status.PLANNING
            audit(case, "council.case.to_planning", actor).save()
    return hearing


def meeting_record(*, case, actor, held_on, attendees) -> CaseMeeting:
    require_open(case)
    membership(actor, case.council_id, INTAKE, SUPERVISOR)
    if not attendees.strip():
        raise ValidationError(_("List who attended the meeting."))
    with transaction.atomic():
        meeting = CaseMeeting(case=case, held_on=held_on, attendees=attendees, recorded_by=actor)
        audit(meeting, "council.meeting.recorded", actor).save()
    return meeting


def plan_draft(*, case, actor, meeting, goals, roles) -> SupportPlan:
    """A new plan version decided at `meeting`. `roles`: [(agency, task, due_on), ...], each
    agency one the case is shared with."""
    require_open(case)
    membership(actor, case.council_id, INTAKE, SUPERVISOR)
    if meeting.case_id != case.pk:
        raise ValidationError(_("Choose a meeting of this case."))
    if not goals.strip():
        raise ValidationError(_("Write the goals of the plan."))
    roles = [r for r in roles if r[0] is not None and (r[1] or "").strip()]
    if not roles:
        raise ValidationError(_("Give at least one agency a role in the plan."))
    shared = set(
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values_list(
            "agency_id", flat=True
        )
    )
    if any(agency.pk not in shared for agency, _task, _due in roles):
        raise ValidationError(_("Roles can only go to agencies the case is shared with."))
    if case.plans.filter(status=SupportPlan.Status.REQUESTED).exists():
        raise ValidationError(_("A plan is already waiting for approval."))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        version = (case.plans.aggregate(v=Max("version"))["v"] or 0) + 1
        plan = SupportPlan(
            case=case, version=version, meeting=meeting, goals=goals, created_by=actor
        )
        audit(plan, "council.plan.drafted", actor).save()
        for agency, task, due_on in roles:
            audit(
                PlanRole(plan=plan, agency=agency, task=task.strip(), due_on=due_on),
                "council.plan.role",
                actor,
            ).save()
    return plan


def support_start(*, case, agency: Agency, actor, started_on) -> CaseAssignment:
    require_open(case)
    member = membership(actor, case.council_id)
    if member.role == CouncilMember.Role.CASE_WORKER and member.agency_id != agency.pk:
        raise ValidationError(_("Case workers record support for their own agency only."))
    assignment = case.assignments.filter(agency=agency, ended_at__isnull=True).first()
    if assignment is None:
        raise ValidationError(_("The case is not shared with this agency."))
    if not case.plans.filter(status=SupportPlan.Status.APPROVED).exists():
        raise ValidationError(_("Support starts once a plan is approved."))
    with transaction.atomic():
        assignment.support_started_on = started_on
        audit(assignment, "council.support.started", actor).save()
    return assignment


def record_add(*, case, agency: Agency, actor, done_on, content) -> SupportRecord:
    require_open(case)
    member = membership(actor, case.council_id)
    if member.role == CouncilMember.Role.CASE_WORKER and member.agency_id != agency.pk:
        raise ValidationError(_("Case workers record support for their own agency only."))
    if not case.assignments.filter(agency=agency, ended_at__isnull=True).exists():
        raise ValidationError(_("The case is not shared with this agency."))
    if not content.strip():
        raise ValidationError(_("Write what was done."))
    with transaction.atomic():
        record = SupportRecord(
            case=case, agency=agency, done_on=done_on, content=content, recorded_by=actor
        )
        audit(record, "council.record.added", actor).save()
    return record


def follow_up_schedule(*, case, actor, due_on) -> FollowUp:
    require_open(case)
    membership(actor, case.council_id, INTAKE, SUPERVISOR)
    with transaction.atomic():
        follow_up = FollowUp(case=case, due_on=due_on)
        audit(follow_up, "council.follow_up.scheduled", actor).save()
    return follow_up


def follow_up_complete(*, follow_up, actor, done_on, note, needs_changed=False) -> FollowUp:
    """A check done. Changed needs send the case back to planning (step 4)."""
    case = follow_up.case
    require_open(case)
    membership(actor, case.council_id, INTAKE, SUPERVISOR)
    if follow_up.done_on is not None:
        raise ValidationError(_("This follow-up is already done."))
    with transaction.atomic():
        follow_up.done_on = done_on
        follow_up.note = note
        follow_up.needs_changed = needs_changed
        follow_up.done_by = actor
        audit(follow_up, "council.follow_up.done", actor).save()
        if needs_changed:
            case.status = Case.Status.PLANNING
            audit(case, "council.case.plan_reopened", actor).save()
    return follow_up


def flag_raise(*, case, actor, concern) -> Flag:
    membership(actor, case.council_id)
    if not concern.strip():
        raise ValidationError(_("Describe the concern."))
    with transaction.atomic():
        flag = Flag(case=case, raised_on=timezone.localdate(), concern=concern, raised_by=actor)
        audit(flag, "council.flag.raised", actor).save()
    return flag


def flag_resolve(*, flag, actor) -> Flag:
    """Intake staff and supervisors resolve flags."""
    membership(actor, flag.case.council_id, INTAKE, SUPERVISOR)
    if flag.resolved_at is not None:
        raise ValidationError(_("This flag is already resolved."))
    with transaction.atomic():
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        audit(flag, "council.flag.resolved", actor).save()
    return flag


def transfer_request(*, case, actor, to_council) -> Transfer:
    require_open(case)
    membership(actor, case.council_id, INTAKE)
    if to_council.pk == case.council_id:
        raise ValidationError(_("Choose another council."))
    if case.transfers.filter(status=Transfer.Status.PENDING).exists():
        raise ValidationError(_("A transfer of this case is already waiting."))
    with transaction.atomic():
        transfer = Transfer(
            case=case, from_council_id=case.council_id, to_council=to_council, requested_by=actor
        )
        audit(transfer, "council.transfer.requested", actor).save()
    return transfer


def transfer_decide(*, transfer, actor, accept: bool) -> Transfer:
    """The receiving council's intake accepts (the case and access move) or declines."""
    membership(actor, transfer.to_council_id, INTAKE)
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been decided."))
    with transaction.atomic():
        transfer.status = Transfer.Status.ACCEPTED if accept else Transfer.Status.DECLINED
        transfer.decided_by = actor
        transfer.decided_at = timezone.now()
        audit(transfer, f"council.transfer.{transfer.status}", actor).save()
        if accept:
            case = transfer.case
            now = timezone.now()
            for assignment in case.assignments.filter(ended_at__isnull=True):
                assignment.ended_at = now
                audit(assignment, "council.case.unshared_on_transfer", actor).save()
            case.participants.all().delete()
            case.council_id = transfer.to_council_id
            case.status = Case.Status.INTAKE if case.status != Case.Status.CLOSED else case.status
            audit(case, "council.case.transferred", actor).save()
    return transfer
