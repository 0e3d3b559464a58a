"""Step 7: a plan, and a closure, take effect when a supervisor approves them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit

from ..models import Approval, Case, ClosureReason, CouncilMember, SupportPlan
from ._common import membership, require_open

INTAKE = CouncilMember.Role.INTAKE
SUPERVISOR = CouncilMember.Role.SUPERVISOR


def _request(approval: Approval, actor) -> Approval:
    from ..notifications import notify_supervisors_of_approval

    try:
        with transaction.atomic():
            audit(approval, f"council.approval.{approval.kind}.requested", actor).save()
            transaction.on_commit(lambda: notify_supervisors_of_approval(approval))
    except IntegrityError as exc:
        raise ValidationError(_("A request of this kind is already waiting.")) from exc
    return approval


def plan_request_approval(*, plan: SupportPlan, actor) -> Approval:
    case = plan.case
    require_open(case)
    membership(actor, case.council_id, INTAKE, SUPERVISOR)
    if plan.status not in (SupportPlan.Status.DRAFT, SupportPlan.Status.RETURNED):
        raise ValidationError(_("Only a draft or returned plan can be sent for approval."))
    with transaction.atomic():
        plan.status = SupportPlan.Status.REQUESTED
        audit(plan, "council.plan.requested", actor).save()
        approval = Approval(case=case, kind=Approval.Kind.PLAN, plan=plan, requested_by=actor)
        return _request(approval, actor)


def closure_request(*, case, actor, reason) -> Approval:
    require_open(case)
    membership(actor, case.council_id, INTAKE, SUPERVISOR)
    if reason not in ClosureReason.values:
        raise ValidationError(_("Choose the reason for closing."))
    return _request(
        Approval(case=case, kind=Approval.Kind.CLOSURE, closure_reason=reason, requested_by=actor),
        actor,
    )


def approval_decide(*, approval: Approval, actor, approve: bool, note="") -> Approval:
    """A supervisor of the case's council (not the one who asked) approves or returns."""
    case = approval.case
    membership(actor, case.council_id, SUPERVISOR)
    if approval.outcome != Approval.Outcome.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if approval.requested_by_id == actor.pk:
        raise ValidationError(_("Another supervisor must decide on your own request."))
    if not approve and not note.strip():
        raise ValidationError(_("Write a note saying why it is returned."))
    today = timezone.localdate()
    with transaction.atomic():
        approval.outcome = Approval.Outcome.APPROVED if approve else Approval.Outcome.RETURNED
        approval.decided_by = actor
        approval.decided_at = timezone.now()
        approval.note = note
        audit(approval, f"council.approval.{approval.kind}.{approval.outcome}", actor).save()
        if approval.kind == Approval.Kind.PLAN:
            plan = approval.plan
            if approve:
                for old in case.plans.filter(status=SupportPlan.Status.APPROVED):
                    old.status = SupportPlan.Status.SUPERSEDED
                    audit(old, "council.plan.superseded", actor).save()
                plan.status = SupportPlan.Status.APPROVED
                case.status = Case.Status.SUPPORT
                case.plan_approved_on = case.plan_approved_on or today
                audit(case, "council.case.plan_in_effect", actor).save()
            else:
                plan.status = SupportPlan.Status.RETURNED
            audit(plan, f"council.plan.{approval.outcome}", actor).save()
        elif approve:
            case.status = Case.Status.CLOSED
            case.closed_on = today
            case.closure_reason = approval.closure_reason
            audit(case, "council.case.closed", actor).save()
    return approval
