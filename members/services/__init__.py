"""Every write to the member register: validated first (Japanese messages), then atomic.

Split by sub-domain; the rest of the code imports from here (`from members import services`):

- `register`: organisations' entries, memberships starting and ending, contact tracking
- `applications`: applications to join (要領第2条, 第5条)
- `notices`: the contact portal's accounts and 変更届・退会届 (別紙2・3)
- `meetings`: meetings, agenda items, the notice, attendance, the chair and votes
- `decisions`: deciding an item and applying its effect; new rule versions
- `quorum`: counting quorum and votes (read-only)
- `prospects`: organisations being invited to join
- `reminders`: daily reminders through core.notifications.notify

Shared rows are locked with select_for_update(no_key=True) in pk order (organisation before
membership, meeting before item) so that two secretariat members acting at once cannot, for
example, both approve an application or decide an item twice. FOR NO KEY UPDATE still
serialises writers of the row but, unlike FOR UPDATE, lets rows that reference it be inserted
meanwhile; no lock here needs more, because no key of a locked row changes. The two deletions
(meeting_delete, prospect_delete) take FOR UPDATE on the row they delete.
"""

from .applications import (
    application_approve,
    application_mail_send,
    application_reject,
    application_review_save,
    application_submit,
)
from .decisions import item_decide, rule_set_adopt
from .grid import GridEntry, meeting_grid_record
from .meetings import (
    MEETING_EDITABLE_FIELDS,
    RULE_VALUE_FIELDS,
    NoticeQueued,
    agenda_item_add,
    agenda_item_update,
    attendance_record,
    meeting_choose_chair,
    meeting_create,
    meeting_delete,
    meeting_notice_mails_send,
    meeting_send_notice,
    meeting_update,
    vote_record,
)
from .notices import (
    contact_invite,
    contact_invite_send,
    contact_remove,
    notice_apply,
    notice_decline,
    notice_submit,
)
from .prospects import (
    prospect_delete,
    prospect_save,
    trial_participation_delete,
    trial_participation_save,
)
from .quorum import Quorum, Tally, item_tally, item_voters, meeting_quorum
from .register import (
    CHANGEABLE_FIELDS,
    ORGANISATION_FIELDS,
    contact_record,
    membership_register_directly,
    membership_withdraw,
    organisation_save,
    register_entry_import,
)
from .reminders import (
    applications_waiting_remind,
    no_contact_reminders_send,
    prospect_next_step_reminders_send,
    written_resolution_reminders_send,
)

__all__ = [
    "CHANGEABLE_FIELDS",
    "MEETING_EDITABLE_FIELDS",
    "ORGANISATION_FIELDS",
    "RULE_VALUE_FIELDS",
    "GridEntry",
    "NoticeQueued",
    "Quorum",
    "Tally",
    "agenda_item_add",
    "agenda_item_update",
    "application_approve",
    "application_mail_send",
    "application_reject",
    "application_review_save",
    "application_submit",
    "applications_waiting_remind",
    "attendance_record",
    "contact_invite",
    "contact_invite_send",
    "contact_record",
    "contact_remove",
    "item_decide",
    "item_tally",
    "item_voters",
    "meeting_choose_chair",
    "meeting_create",
    "meeting_delete",
    "meeting_grid_record",
    "meeting_notice_mails_send",
    "meeting_quorum",
    "meeting_send_notice",
    "meeting_update",
    "membership_register_directly",
    "membership_withdraw",
    "no_contact_reminders_send",
    "notice_apply",
    "notice_decline",
    "notice_submit",
    "organisation_save",
    "prospect_delete",
    "prospect_next_step_reminders_send",
    "prospect_save",
    "register_entry_import",
    "rule_set_adopt",
    "trial_participation_delete",
    "trial_participation_save",
    "vote_record",
    "written_resolution_reminders_send",
]
