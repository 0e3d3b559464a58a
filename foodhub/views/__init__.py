"""Staff pages for the hubs: thin — parse the forms, call a service, report the outcome.

By sub-domain: stock (with disposals and stocktakes), movements (donations, transfers),
distributions (with recipients and consents), reports (dashboard, CSV exports); `base` holds
what they share. Every view is re-exported here for foodhub/urls.py.
"""

from .base import (
    StaffView,
)
from .distributions import (
    ConsentCreateView,
    DeliveryNoteView,
    DistributionCreateView,
    DistributionDetailView,
    RecipientListView,
)
from .movements import (
    DonationCreateView,
    TransferCreateView,
    TransferDetailView,
    TransferListView,
    TransferPickListView,
)
from .reports import (
    DashboardView,
    LedgerCsvView,
    MonthlyCsvView,
)
from .stock import (
    DisposalCreateView,
    StocktakeCreateView,
    StockView,
)

__all__ = [
    "ConsentCreateView",
    "DashboardView",
    "DeliveryNoteView",
    "DisposalCreateView",
    "DistributionCreateView",
    "DistributionDetailView",
    "DonationCreateView",
    "LedgerCsvView",
    "MonthlyCsvView",
    "RecipientListView",
    "StaffView",
    "StockView",
    "StocktakeCreateView",
    "TransferCreateView",
    "TransferDetailView",
    "TransferListView",
    "TransferPickListView",
]
