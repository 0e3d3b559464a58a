"""Demo data of core: the area's seven municipalities and the secretariat's demo login."""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from . import roles
from .models import Municipality, User

# SPEC §1 (令和2年国勢調査): name, kana, prefecture, population, households, 65+ %, 地域食堂.
MUNICIPALITIES = [
    ("鳥取市", "とっとりし", "鳥取県", 188465, 77029, "29.7", 46),
    ("岩美町", "いわみちょう", "鳥取県", 10799, 3926, "37.5", 1),
    ("八頭町", "やずちょう", "鳥取県", 15937, 5326, "36.3", 4),
    ("智頭町", "ちづちょう", "鳥取県", 6427, 2400, "43.6", 2),
    ("若桜町", "わかさちょう", "鳥取県", 2864, 1182, "48.7", 2),
    ("新温泉町", "しんおんせんちょう", "兵庫県", 13318, 4929, "41.1", 2),
    ("香美町", "かみちょう", "兵庫県", 16064, 5912, "40.7", 3),
]

# Every demo login's address is in this (reserved, undeliverable) domain: the deploy check refuses
# an installation that has one, and only with DEBUG may they skip two-factor authentication.
DEMO_DOMAIN = "kirin-pf.example"
DEMO_EMAIL = f"demo@{DEMO_DOMAIN}"
DEMO_PASSWORD = "kirin-demo-2026"


def is_demo_email(email: str) -> bool:
    return (email or "").lower().endswith("@" + DEMO_DOMAIN)


def demo_accounts():
    """Active accounts of the demo (whatever app created them)."""
    return User.objects.filter(is_active=True, email__iendswith="@" + DEMO_DOMAIN)


def load() -> dict[str, Municipality]:
    """The seven municipalities by name (every other app's demo places its records in them)."""
    municipalities = {}
    for order, (name, kana, pref, pop, households, aged, cafeterias) in enumerate(MUNICIPALITIES):
        municipalities[name], _ = Municipality.objects.update_or_create(
            prefecture=pref,
            name=name,
            defaults={
                "name_kana": kana,
                "population": pop,
                "households": households,
                "aged_65_plus_percent": Decimal(aged),
                "community_cafeterias": cafeterias,
                "display_order": order,
            },
        )
    return municipalities


# One demo login per staff role, so a newcomer can try each (login name, role, family name).
# The council's demo members (council-intake@…) come with the council's demo data.
DEMO_ROLE_ACCOUNTS = [
    ("demo", roles.SECRETARIAT, "事務局"),
    ("demo-coordinator", roles.COORDINATOR, "コーディネーター"),
    ("demo-hub", roles.HUB_OPERATOR, "ハブ担当"),
    ("demo-auditor", roles.AUDITOR, "監査"),
]


def _demo_account(username: str, role: str, last_name: str) -> User:
    email = DEMO_EMAIL if username == "demo" else f"{username}@{DEMO_DOMAIN}"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": email, "is_staff": True, "last_name": last_name, "first_name": "デモ"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _require_debug():
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "The demo login is for development only (DEBUG=true); production refuses it."
        )


def load_demo_user() -> User:
    """The secretariat's demo login, whose password is in the repository: DEBUG only."""
    _require_debug()
    return _demo_account(*DEMO_ROLE_ACCOUNTS[0])


def load_demo_users() -> dict[str, User]:
    """Every role's demo login by role name (DEBUG only; see DEMO_ROLE_ACCOUNTS)."""
    _require_debug()
    return {
        role: _demo_account(username, role, name) for username, role, name in DEMO_ROLE_ACCOUNTS
    }
