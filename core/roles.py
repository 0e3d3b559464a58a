"""The platform's roles: Django groups named in Japanese, with the permissions each one needs.

The groups (and their MFA policy) are created by a data migration; the permissions are declared
here and synced after every `migrate`, so a later app's new models reach the right roles without
hand-editing groups. Each rule is "app_label.codename", "app_label.*" (every permission of the
app) or "app_label.view_*" (read-only on the whole app).
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
MFA_REQUIRED_ROLES = {COUNCIL_MEMBER}

# Notifications are not in the auditors' trail: their recipients are people's e-mail addresses.
_AUDIT_TRAIL = [
    "core.view_exportlog",
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
        "core.view_notification",
        "django_celery_beat.view_*",
        "django_celery_beat.change_periodictask",
        # Staff accounts: invite, give and take roles, deactivate (staff.admin; never superusers).
        "staff.view_staffaccount",
        "staff.add_staffaccount",
        "staff.change_staffaccount",
    ],
    COORDINATOR: [
        "members.view_organisation",
        "members.view_membership",
        "foodhub.view_*",
        "core.view_municipality",
        "core.view_generateddocument",
        "core.print_platform_summary",
        *_SUPPORTER_AGGREGATES,
        "reports.view_monthlyreport",
        "reports.build_monthlyreport",
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
        "council.view_council",
        "council.view_access_counts",  # counts per user and action, no case ids
        "core.view_municipality",
        *_AUDIT_TRAIL,
        "reports.view_monthlyreport",
    ],
}


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
        wanted = {p for rule in ROLE_PERMISSIONS[role] for p in _expand(rule, permissions_by_app)}
        group.permissions.set(wanted)
