"""The council workflow's services, one module per step group. Each validates first (Japanese
ValidationError), then writes inside a transaction with an audit label."""

from .approvals import approval_decide, closure_request, plan_request_approval
from .examples import example_approve, example_draft, identifier_findings
from .intake import (
    case_add_participant,
    case_intake,
    case_record_consent,
    case_share,
    case_unshare,
    concern_dismiss,
    concern_submit,
    possible_duplicates,
)
from .security import break_glass, erase_personal_data, retention_erase, rotate_keys
from .workflow import (
    flag_raise,
    flag_resolve,
    follow_up_complete,
    follow_up_schedule,
    hearing_record,
    meeting_record,
    plan_draft,
    record_add,
    support_start,
    transfer_decide,
    transfer_request,
)

__all__ = [
    "approval_decide",
    "break_glass",
    "case_add_participant",
    "case_intake",
    "case_record_consent",
    "case_share",
    "case_unshare",
    "closure_request",
    "concern_dismiss",
    "concern_submit",
    "erase_personal_data",
    "example_approve",
    "example_draft",
    "flag_raise",
    "flag_resolve",
    "follow_up_complete",
    "follow_up_schedule",
    "hearing_record",
    "identifier_findings",
    "meeting_record",
    "plan_draft",
    "plan_request_approval",
    "possible_duplicates",
    "record_add",
    "retention_erase",
    "rotate_keys",
    "support_start",
    "transfer_decide",
    "transfer_request",
]
