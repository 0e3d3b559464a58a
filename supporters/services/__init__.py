"""Writes of the supporter scheme, by sub-domain: validate first (Japanese messages), then write
atomically and label the history row (core.audit). Everything the rest of the code uses is
re-exported here (`from supporters import services`).

- checks: places and LINE names (details_check)
- signups, sessions (trainings and つながりミーティング), attendance (certificates, badges)
- people: supporters entered, corrected, paused, withdrawn, erased
- masters: school districts, rule sets, consent texts
- refreshers, notices: e-mails
"""

from .attendance import (
    CERTIFICATE_COUNTER,
    badges_hand_out,
    certificates_issue,
    certificates_render,
    session_attendance_record,
)
from .checks import (
    details_check,
)
from .masters import (
    consent_text_save,
    rule_set_save,
    school_district_save,
)
from .notices import (
    notice_check,
    notice_create,
    notice_send,
)
from .people import (
    ERASED_NAME,
    supporter_import,
    supporter_merged_details,
    supporter_register,
    supporter_set_status,
    supporter_update,
    supporter_update_check,
    supporter_withdraw,
)
from .refreshers import (
    refresher_reminders_send,
)
from .sessions import (
    training_session_check,
    training_session_save,
    tsunagari_meeting_save,
)
from .signups import (
    registration_cancel,
    registration_confirmation_send,
    registration_create,
    registration_reactivate,
    training_reminders_send,
)
from .waitlist import (
    CANCEL_SALT,
    OFFER_SALT,
    LinkInvalid,
    link_token,
    registration_from_link,
    registration_self_cancel,
    self_cancel_deadline,
    self_cancel_refusal,
    waitlist_offer_accept,
    waitlist_offer_next,
    waitlist_offer_send,
    waitlist_offers_expire,
)

__all__ = [
    "CANCEL_SALT",
    "CERTIFICATE_COUNTER",
    "ERASED_NAME",
    "OFFER_SALT",
    "LinkInvalid",
    "badges_hand_out",
    "certificates_issue",
    "certificates_render",
    "consent_text_save",
    "details_check",
    "link_token",
    "notice_check",
    "notice_create",
    "notice_send",
    "refresher_reminders_send",
    "registration_cancel",
    "registration_confirmation_send",
    "registration_create",
    "registration_from_link",
    "registration_reactivate",
    "registration_self_cancel",
    "rule_set_save",
    "school_district_save",
    "self_cancel_deadline",
    "self_cancel_refusal",
    "session_attendance_record",
    "supporter_import",
    "supporter_merged_details",
    "supporter_register",
    "supporter_set_status",
    "supporter_update",
    "supporter_update_check",
    "supporter_withdraw",
    "training_reminders_send",
    "training_session_check",
    "training_session_save",
    "tsunagari_meeting_save",
    "waitlist_offer_accept",
    "waitlist_offer_next",
    "waitlist_offer_send",
    "waitlist_offers_expire",
]
