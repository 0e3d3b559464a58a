"""Every change to food stock, by sub-domain; everything the rest of the code uses is
re-exported here (`from foodhub import services`).

- stock: request dataclasses, operator scope, lot locking, picking and ledger writing
  (with the concurrency and double-submit notes)
- donations, transfers, distributions (and liability consents), disposals, stocktakes
- alerts: near-expiry e-mails to operators
- requests: food partners and their food requests (start, adjust, decline, fill, reminders)
- masters: sites, zones, operators, items, donors, recipients from the admin
"""

from .alerts import (
    near_expiry_alerts_send,
)
from .disposals import (
    disposal_record,
    expired_lots_dispose,
)
from .distributions import (
    consent_in_force,
    consent_record,
    consent_validate,
    consent_withdraw,
    distribution_create,
    no_consent_message,
)
from .donations import (
    donation_receive,
)
from .masters import (
    record_delete,
    record_save,
)
from .requests import (
    RequestLine,
    food_partner_approve,
    food_partner_suspend,
    food_request_adjust,
    food_request_cancel,
    food_request_decline,
    food_request_fill,
    food_request_release,
    food_request_reminders_send,
    food_request_start,
    food_request_submit,
    min_shelf_life_days,
    partner_refusal,
)
from .stock import (
    ZERO,
    LotAmount,
    Pick,
    PickRequest,
    ReceiptLine,
    StockCount,
    best_before_passed,
    require_operable,
    stock_mark,
    use_by_passed,
)
from .stocktakes import (
    CountDifference,
    stocktake_differences,
    stocktake_record,
)
from .transfers import (
    transfer_receive,
    transfer_send,
)

__all__ = [
    "ZERO",
    "CountDifference",
    "LotAmount",
    "Pick",
    "PickRequest",
    "ReceiptLine",
    "RequestLine",
    "StockCount",
    "best_before_passed",
    "consent_in_force",
    "consent_record",
    "consent_validate",
    "consent_withdraw",
    "disposal_record",
    "distribution_create",
    "donation_receive",
    "expired_lots_dispose",
    "food_partner_approve",
    "food_partner_suspend",
    "food_request_adjust",
    "food_request_cancel",
    "food_request_decline",
    "food_request_fill",
    "food_request_release",
    "food_request_reminders_send",
    "food_request_start",
    "food_request_submit",
    "min_shelf_life_days",
    "near_expiry_alerts_send",
    "no_consent_message",
    "partner_refusal",
    "record_delete",
    "record_save",
    "require_operable",
    "stock_mark",
    "stocktake_differences",
    "stocktake_record",
    "transfer_receive",
    "transfer_send",
    "use_by_passed",
]
