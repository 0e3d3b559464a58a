"""What each notification's purpose code means, in words a person reads.

`core.notifications.notify` records a dotted purpose code per e-mail (some end in the id of the
record they are about, e.g. ``council.approval_requested.12``). The admin's notification list,
its filter and its CSV show `purpose_label(code)`, never the code. A new purpose is added here;
`tests/core/test_notification_purposes.py` fails on a code sent anywhere without a label.
"""

from django.utils.translation import gettext_lazy as _

PURPOSE_LABELS = {
    "core.security.failed_logins": _("Failed sign-ins (to the secretariat)"),
    "council.approval_requested": _("Approval requested (council)"),
    "council.break_glass": _("Emergency access used (council)"),
    "council.concern_receipt": _("Receipt of a concern (council)"),
    "council.follow_ups_due": _("Follow-ups due (council)"),
    "council.unusual_reading": _("Unusual reading of case records (council)"),
    "exchange.message": _("Board: a new message"),
    "exchange.outcome": _("Board: an exchange was updated"),
    "exchange.published": _("Board: post published"),
    "exchange.rejected": _("Board: post not published"),
    "exchange.suggested": _("Board: a post that may suit"),
    "foodhub.food_request.adjusted": _("Food request: amounts adjusted"),
    "foodhub.food_request.cancelled": _("Food request: cancelled"),
    "foodhub.food_request.declined": _("Food request: declined"),
    "foodhub.food_request.filled": _("Food request: ready"),
    "foodhub.food_request.released": _("Food request: back in the queue"),
    "foodhub.food_request.reminder": _("Food request: the day before"),
    "foodhub.food_request.started": _("Food request: being prepared"),
    "foodhub.food_request.submitted": _("Food request: received"),
    "foodhub.ledger_mismatch": _("Stock ledger mismatch (to the secretariat)"),
    "foodhub.near_expiry": _("Lots near expiry (to the hub)"),
    "members.application_approved": _("Application approved"),
    "members.application_received": _("Application received"),
    "members.application_rejected": _("Application not approved"),
    "members.application_waiting": _("Applications waiting (to the secretariat)"),
    "members.contact_invite": _("Invitation of a contact person"),
    "members.meeting_notice": _("Notice of a platform meeting"),
    "members.no_contact_reminder": _("Members without contact (to the secretariat)"),
    "members.prospect_next_step": _("Prospects' next steps (to the secretariat)"),
    "members.written_resolution_reminder": _("Reminder to reply to a written resolution"),
    "reports.monthly_report": _("Monthly report"),
    "staff.account_invite": _("Invitation of a staff account"),
    "supporters.notice": _("Notice to supporters"),
    "supporters.refresher_reminder": _("Refresher training reminder"),
    "supporters.rollup_mismatch": _("Supporter roll-up mismatch (to the secretariat)"),
    "supporters.registration_confirmation": _("Training sign-up confirmed"),
    "supporters.training_reminder": _("Training reminder (the day before)"),
    "supporters.waitlist_confirmation": _("Place on the waiting list"),
    "supporters.waitlist_offer": _("A place offered from the waiting list"),
}


def purpose_label(code: str) -> str:
    """The purpose in words; a code ending in a record's id reads as its family."""
    if code in PURPOSE_LABELS:
        return str(PURPOSE_LABELS[code])
    family, _dot, last = code.rpartition(".")
    if last.isdigit() and family in PURPOSE_LABELS:
        return str(PURPOSE_LABELS[family])
    return str(_("Other notification"))


def purpose_choices(codes) -> list[tuple[str, str]]:
    """(code, label) for a list filter, by label."""
    return sorted(((code, purpose_label(code)) for code in codes), key=lambda pair: pair[1])
