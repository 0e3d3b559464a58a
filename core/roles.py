"""The platform's roles: Django groups named in Japanese, with the permissions each one needs.

The groups (and their MFA policy) are created by a data migration; the permissions are declared
here and synced after every `migrate`, so a later app's new models reach the right roles without
hand-editing groups. Each rule is "app_label.codename", "app_label.*" (every permission of the
app) or "app_label.view_*" (read-only on the whole app); a rule starting with "!" takes
permissions away again ("!foodhub.view_recipient"), whatever the order.

Who may read personal data is decided here, model by model (PERSONAL_DATA_READERS), and proven by
tests/security walking every admin URL and export for every role.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

SECRETARIAT = "事務局"
COORDINATOR = "コーディネーター"
HUB_OPERATOR = "ハブ担当"
COUNCIL_MEMBER = "協議会構成員"
AUDITOR = "監査"

ALL_ROLES = [SECRETARIAT, COORDINATOR, HUB_OPERATOR, COUNCIL_MEMBER, AUDITOR]
# Every staff role signs in with two factors (core migration 0009); RolePolicy can relax it.
MFA_REQUIRED_ROLES = set(ALL_ROLES)

# Food recipients are households in need (reference code, household size, referring agency); their
# liability consents, the distributions to them and the delivery notes (the PDF needs
# view_distribution) name them. Coordinators need aggregates (dashboard, monthly figures) and
# auditors the ledger and the movements: neither needs the household.
_FOODHUB_HOUSEHOLDS = [
    "!foodhub.view_recipient",
    "!foodhub.view_liabilityconsent",
    "!foodhub.view_distribution",
]

# Notifications are not in the auditors' trail: their recipients are people's e-mail addresses.
_AUDIT_TRAIL = [
    "core.view_exportlog",
    "core.view_securityevent",
    "core.view_generateddocument",
]

# The supporter scheme without personal data (no supporters, sign-ups, attendance, certificates).
_SUPPORTER_AGGREGATES = [
    "supporters.view_trainingsession",
    "supporters.view_tsunagarimeeting",
    "supporters.view_schooldistrict",
    "supporters.view_supporterruleset",
    "supporters.view_dashboard",
]

ROLE_PERMISSIONS = {
    SECRETARIAT: [
        "members.*",
        "supporters.*",
        "foodhub.*",
        "exchange.*",  # the board's moderation and exchanges, the resource map's points
        "council.view_council",
        "council.change_council",
        "council.add_council",
        # Council registry (agencies, members, pledges, categories); never a case: cases are
        # not in the admin and need a council membership (council.access).
        *[
            f"council.{action}_{model}"
            for model in ("agency", "councilmember", "secrecypledge", "category")
            for action in ("view", "add", "change")
        ],
        "core.view_municipality",
        "core.change_municipality",
        "core.add_municipality",
        "core.print_platform_summary",
        *_AUDIT_TRAIL,
        "core.change_generateddocument",  # the "render again" action (it writes)
        "reports.view_monthlyreport",
        "reports.build_monthlyreport",
        "reports.export_for_audit",
        "core.view_notification",
        # The 事務局's contact shown on every public page and at the end of every e-mail.
        "core.view_secretariatcontact",
        "core.add_secretariatcontact",
        "core.change_secretariatcontact",
        # The schedule as a Japanese list, time and switch editable (staff.admin); Celery beat's
        # own screens stay with superusers.
        "staff.view_scheduledtask",
        "staff.change_scheduledtask",
        # Staff accounts: invite, give and take roles, deactivate (staff.admin; never superusers).
        "staff.view_staffaccount",
        "staff.add_staffaccount",
        "staff.change_staffaccount",
    ],
    COORDINATOR: [
        "members.view_organisation",
        "members.view_membership",
        "foodhub.view_*",
        *_FOODHUB_HOUSEHOLDS,
        "core.view_municipality",
        "core.view_generateddocument",
        "core.print_platform_summary",
        *_SUPPORTER_AGGREGATES,
        "reports.view_monthlyreport",
        "reports.build_monthlyreport",
        "exchange.view_post",
        "exchange.view_exchange",
    ],
    # Scoped to their assigned sites by foodhub's Site.objects.visible_to / operable_by (so no
    # foodhub.view_all_sites here).
    HUB_OPERATOR: [
        *[
            f"foodhub.view_{model}"
            for model in (
                "site",
                "zone",
                "foodcategory",
                "item",
                "donor",
                "recipient",
                "liabilityconsent",
                "lot",
                "ledgerentry",
                "donation",
                "transfer",
                "distribution",
                "disposal",
                "stocktake",
            )
        ],
        "foodhub.add_donation",
        "foodhub.add_transfer",
        "foodhub.change_transfer",
        "foodhub.add_distribution",
        "foodhub.add_disposal",
        "foodhub.add_stocktake",
        "foodhub.add_liabilityconsent",
        # Partners' food requests of their sites (start, adjust, decline, fill).
        "foodhub.view_foodrequest",
        "foodhub.change_foodrequest",
        "core.view_municipality",
    ],
    COUNCIL_MEMBER: [
        "council.view_council",
        "core.view_municipality",
    ],
    # Read-only. Supporters' personal data is not part of the audit scope: auditors see the
    # scheme's aggregates (sessions, meetings, districts, rules, dashboard) and the export log.
    AUDITOR: [
        *_SUPPORTER_AGGREGATES,
        "members.view_*",
        "foodhub.view_*",
        *_FOODHUB_HOUSEHOLDS,
        "council.view_council",
        "council.view_access_counts",  # counts per user and action, no case ids
        "core.view_municipality",
        *_AUDIT_TRAIL,
        "reports.view_monthlyreport",
        "reports.export_for_audit",
        "exchange.view_post",
        "exchange.view_exchange",
    ],
}


# Every model whose rows hold personal data, and exactly the roles that may read it (changelist,
# change page, history, export). Superusers aside, nobody else. tests/security checks each cell.
_SECRETARIAT_ONLY = frozenset({SECRETARIAT})
PERSONAL_DATA_READERS = {
    "core.User": frozenset(),  # accounts are managed by superusers
    "staff.StaffAccount": _SECRETARIAT_ONLY,  # staff names and e-mail addresses
    "account.EmailAddress": frozenset(),
    "mfa.Authenticator": frozenset(),
    "core.Notification": _SECRETARIAT_ONLY,  # recipients' e-mail addresses
    "core.ExportLog": frozenset({SECRETARIAT, AUDITOR}),  # who exported what
    "core.SecurityEvent": frozenset({SECRETARIAT, AUDITOR}),  # sign-ins, addresses, browsers
    "members.Application": frozenset({SECRETARIAT, AUDITOR}),  # applicants' contact details
    "members.Organisation": frozenset({SECRETARIAT, COORDINATOR, AUDITOR}),  # contact persons
    "members.Membership": frozenset({SECRETARIAT, COORDINATOR, AUDITOR}),
    "members.Prospect": frozenset({SECRETARIAT, AUDITOR}),
    "members.MemberNotice": frozenset({SECRETARIAT, AUDITOR}),  # new contact persons' details
    "supporters.Supporter": _SECRETARIAT_ONLY,
    "supporters.Registration": _SECRETARIAT_ONLY,
    "supporters.Attendance": _SECRETARIAT_ONLY,
    "supporters.Certificate": _SECRETARIAT_ONLY,
    "supporters.SupporterNotice": _SECRETARIAT_ONLY,
    # Donors include citizens by name (kind 市民); every food role works with donations, so all
    # four read them (a decision, not an oversight: revisit if citizens' names must be hidden).
    "foodhub.Donor": frozenset({SECRETARIAT, COORDINATOR, HUB_OPERATOR, AUDITOR}),
    # Households in need: the secretariat and the hub operators of the serving site only.
    "foodhub.Recipient": frozenset({SECRETARIAT, HUB_OPERATOR}),
    "foodhub.LiabilityConsent": frozenset({SECRETARIAT, HUB_OPERATOR}),
    "foodhub.Distribution": frozenset({SECRETARIAT, HUB_OPERATOR}),
    "council.CouncilMember": _SECRETARIAT_ONLY,
    # Board posts name who posted (a contact's account); the threads may carry what a contact
    # wrote despite the warning, so messages (shown inline on an exchange) stay with the 事務局.
    "exchange.Post": frozenset({SECRETARIAT, COORDINATOR, AUDITOR}),
    "exchange.Exchange": frozenset({SECRETARIAT, COORDINATOR, AUDITOR}),
    "council.AccessLog": frozenset(),  # read in the council workspace, not the admin
}


# Every other model in the admin, said to hold no personal data (organisations, places, stock,
# rules, schedules, documents of aggregates). A model in neither list fails tests/security: a
# new app must decide.
NO_PERSONAL_DATA = frozenset(
    {
        "auth.Group",
        "core.GeneratedDocument",
        "core.Municipality",
        "core.SecretariatContact",  # the office's public contact, shown on every page
        "council.Agency",
        "exchange.Place",  # organisations, cafeterias and hubs on the public map
        "council.Category",
        "council.Council",
        "django_celery_beat.ClockedSchedule",
        "django_celery_beat.CrontabSchedule",
        "django_celery_beat.IntervalSchedule",
        "django_celery_beat.PeriodicTask",
        "django_celery_beat.SolarSchedule",
        "foodhub.Disposal",
        "foodhub.Donation",
        "foodhub.FoodCategory",
        "foodhub.FoodPartner",
        "foodhub.Item",
        "foodhub.LedgerEntry",
        "foodhub.Lot",
        "foodhub.Site",
        "foodhub.Stocktake",
        "foodhub.Transfer",
        "foodhub.Zone",
        "members.ActivityField",
        "members.AgendaItem",
        "members.Meeting",
        "members.RuleSet",
        "reports.MonthlyReport",
        "staff.ScheduledTask",
        "supporters.ConsentText",
        "supporters.SchoolDistrict",
        "supporters.SupporterRuleSet",
        "supporters.TrainingSession",
        "supporters.TsunagariMeeting",
    }
)


def _expand(rule, permissions_by_app):
    app_label, codename = rule.split(".", 1)
    available = permissions_by_app.get(app_label, {})
    if codename == "*":
        return list(available.values())
    if codename.endswith("*"):
        prefix = codename[:-1]
        return [p for name, p in available.items() if name.startswith(prefix)]
    if codename not in available:
        raise LookupError(f"Role permission {rule!r} does not exist.")
    return [available[codename]]


def sync_role_permissions(sender=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """Give each role exactly the permissions declared above (post_migrate handler)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)

    permissions_by_app = {}
    for permission in Permission.objects.using(using).select_related("content_type"):
        app_perms = permissions_by_app.setdefault(permission.content_type.app_label, {})
        app_perms[permission.codename] = permission

    for role in ALL_ROLES:
        group = Group.objects.using(using).filter(name=role).first()
        if group is None:  # created by core's data migration; absent only mid-migration
            continue
        group.permissions.set(role_permission_objects(role, permissions_by_app))


def role_permission_objects(role, permissions_by_app):
    rules = ROLE_PERMISSIONS[role]
    granted = {
        p for rule in rules if not rule.startswith("!") for p in _expand(rule, permissions_by_app)
    }
    taken = {
        p for rule in rules if rule.startswith("!") for p in _expand(rule[1:], permissions_by_app)
    }
    return granted - taken
