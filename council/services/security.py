"""Break-glass access, retention (erasure of personal fields) and key rotation."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.periods import add_years

from .. import crypto
from ..access import active_memberships, log_access
from ..fields import EncryptedTextField
from ..models import AccessLog, BreakGlass, Case


def break_glass(*, reference: str, actor, reason: str, request=None) -> BreakGlass:
    """Open a case one is not part of, for a limited time, with a reason. Only a member in force
    of the case's own council can; everyone else gets the same "not found" answer as for a
    reference that does not exist. Supervisors are notified."""
    from ..notifications import notify_supervisors_of_break_glass

    if not reason.strip():
        raise ValidationError(_("Give the reason for the emergency access."))
    councils = active_memberships(actor).values("council_id")
    case = Case.objects.filter(reference=reference.strip().upper(), council_id__in=councils).first()
    if case is None:
        if request is not None:
            log_access(request, AccessLog.Action.REFUSED)
        raise ValidationError(_("No case with this reference was found."))
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlass(
            case=case,
            user=actor,
            reason=reason.strip(),
            started_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.COUNCIL_BREAK_GLASS_MINUTES),
        )
        audit(grant, "council.break_glass", actor).save()
        if request is not None:
            log_access(request, AccessLog.Action.BREAK_GLASS, case=case)
        transaction.on_commit(lambda: notify_supervisors_of_break_glass(grant))
    return grant


def _encrypted_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _case_models():
    """(model, lookup to its case id) for every council model holding personal fields."""
    result = []
    for model in apps.get_app_config("council").get_models():
        if not _encrypted_fields(model) or model._meta.object_name.startswith("Historical"):
            continue
        if model is Case:
            result.append((model, "id"))
        elif model._meta.object_name == "PlanRole":
            result.append((model, "plan__case_id"))
        elif any(f.name == "case" for f in model._meta.concrete_fields):
            result.append((model, "case_id"))
    return result


def erase_personal_data(case: Case) -> None:
    """Blank every encrypted field of the case and its records, in the live and history tables;
    non-personal fields stay for statistics."""
    for model, lookup in _case_models():
        blanks = {f.name: "" for f in _encrypted_fields(model)}
        model.objects.filter(**{lookup: case.pk}).update(**blanks)
        history = getattr(model, "history", None)
        if history is not None:
            if lookup == "plan__case_id":
                plan_ids = case.plans.values_list("pk", flat=True)
                history.filter(plan_id__in=list(plan_ids)).update(**blanks)
            else:
                history.filter(**{lookup: case.pk}).update(**blanks)
    Case.objects.filter(pk=case.pk).update(blind_index="", personal_erased_on=timezone.localdate())


def retention_erase(*, today=None) -> int:
    """Erase the personal fields of cases closed longer than COUNCIL_RETENTION_YEARS ago.
    Each erasure is logged. Returns how many cases were erased."""
    today = today or timezone.localdate()
    cutoff = add_years(today, -settings.COUNCIL_RETENTION_YEARS)
    due = Case.objects.filter(
        status=Case.Status.CLOSED, closed_on__lte=cutoff, personal_erased_on__isnull=True
    )
    count = 0
    for case in due.only("pk", "council_id"):
        with transaction.atomic():
            erase_personal_data(case)
            AccessLog.objects.create(
                council_id=case.council_id,
                case_id=case.pk,
                action=AccessLog.Action.ERASED,
                role="system",
            )
        count += 1
    return count


def rotate_keys() -> int:
    """Re-encrypt every encrypted value (live and history tables) with the newest key.
    Returns how many values were rewritten. Raw SQL: values move from ciphertext to ciphertext
    without passing through the models."""
    quote = connection.ops.quote_name
    rewritten = 0
    for model in apps.get_app_config("council").get_models():
        columns = [f.column for f in _encrypted_fields(model)]
        if not columns:
            continue
        table, pk = model._meta.db_table, model._meta.pk.column
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)}"
            )
            for row in cursor.fetchall():
                updates = {
                    column: crypto.rotate(value)
                    for column, value in zip(columns, row[1:], strict=True)
                    if value and not crypto.encrypted_with_newest_key(value)
                }
                if not updates:
                    continue
                assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                with connection.cursor() as update:
                    update.execute(
                        f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s",
                        [*updates.values(), row[0]],
                    )
                rewritten += len(updates)
    AccessLog.objects.create(action=AccessLog.Action.KEYS_ROTATED, role="system")
    return rewritten
