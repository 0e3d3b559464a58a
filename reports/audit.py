"""The auditors' export centre (監査): every export an auditor may take, per area and period.

Each export is a header and a generator of rows read through the domain apps' selectors; the
page streams one as a CSV (core.exports: UTF-8 with BOM, formula-safe) and a period's bundle is
one ZIP with a manifest of each file's rows and SHA-256. No column names a resident, a supporter
or a household: organisations appear by name (they are public members), people never.
"""

import csv
import datetime
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import escape_formula, export_log_record
from core.models import ExportLog
from council import selectors as council_selectors
from foodhub import selectors as food
from members import selectors as members
from supporters import selectors as supporters

from .models import MonthlyReport


@dataclass(frozen=True)
class AuditExport:
    key: str
    area: str
    title: str
    # (user, start, end) -> (header, rows iterable, row count)
    build: Callable


def _d(value) -> str:
    return value.isoformat() if value else ""


def _register(user, start, end):
    tiers, types = members.tier_labels(), members.organisation_type_labels()
    rows = (
        members.memberships_on(end)
        .select_related("organisation", "organisation__municipality")
        .order_by("organisation__name_kana", "pk")
    )
    header = [_("organisation"), _("organisation type"), _("tier"), _("municipality"), _("since")]

    def lines():
        for m in rows.iterator(chunk_size=2000):
            yield [
                m.organisation.name,
                types.get(m.organisation.organisation_type, ""),
                tiers.get(m.tier, m.tier),
                m.organisation.municipality.name if m.organisation.municipality else "",
                _d(m.started_on),
            ]

    return header, lines(), rows.count()


def _register_changes(user, start, end):
    tiers = members.tier_labels()
    rows = members.membership_changes_list_between(start, end)
    header = [_("organisation"), _("tier"), _("started on"), _("ended on"), _("reason for ending")]

    def lines():
        for m in rows.iterator(chunk_size=2000):
            yield [
                m.organisation.name,
                tiers.get(m.tier, m.tier),
                _d(m.started_on),
                _d(m.ended_on),
                m.get_end_reason_display() if m.end_reason else "",
            ]

    return header, lines(), rows.count()


def _trainings(user, start, end):
    sessions = supporters.trainings_held_between(start, end)
    header = [
        _("date"),
        _("session title"),
        _("venue"),
        _("audience"),
        _("municipality"),
        _("participants"),
    ]
    rows = (
        [_d(s["date"]), s["title"], s["venue"], s["audience"], s["municipality"], s["participants"]]
        for s in sessions
    )
    return header, rows, len(sessions)


def _meetings(user, start, end):
    meetings = supporters.meetings_list_between(start, end)
    header = [_("date"), _("venue"), _("municipality"), _("residents"), _("students")]
    rows = (
        [_d(m["date"]), m["venue"], m["municipality"], m["residents"], m["students"]]
        for m in meetings
    )
    return header, rows, len(meetings)


def _ledger(user, start, end):
    kinds = food.ledger_kind_labels()
    zones = food.zone_kind_labels()
    entries = food.ledger_list_for_user(user).filter(effective_on__gte=start, effective_on__lte=end)
    columns = (
        "pk",
        "effective_on",
        "site__name",
        "kind",
        "lot__item__name",
        "lot__zone__kind",
        "lot_id",
        "kg_delta",
        "quantity_delta",
        "reason",
    )
    header = [
        _("entry"),
        _("date"),
        _("food site"),
        _("kind"),
        _("item"),
        _("storage"),
        _("lot"),
        _("kg change"),
        _("pieces change"),
        _("reason"),
    ]

    def lines():
        for pk, on, site, kind, item, zone, lot, kg, pieces, reason in (
            entries.values_list(*columns).order_by("effective_on", "pk").iterator(chunk_size=5000)
        ):
            yield [
                pk,
                _d(on),
                site,
                kinds.get(kind, kind),
                item,
                zones.get(zone, zone),
                lot,
                kg,
                pieces,
                reason,
            ]

    return header, lines(), entries.count()


def _movements(user, start, end):
    kinds = food.ledger_kind_labels()
    figures = [r for r in food.monthly_rows(user, since=start) if r["month"] <= end]
    header = [_("month"), _("food site"), _("kind"), _("kg"), _("pieces"), _("entries")]
    rows = (
        [
            r["month"].strftime("%Y-%m"),
            r["site__name"],
            kinds.get(r["kind"], r["kind"]),
            r["kg"],
            r["pieces"],
            r["entries"],
        ]
        for r in figures
    )
    return header, rows, len(figures)


def _export_log(user, start, end):
    low = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    high = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
    )
    entries = (
        ExportLog.objects.filter(created_at__gte=low, created_at__lt=high)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    header = [_("exported at"), _("exported by"), _("model"), _("filters"), _("format"), _("rows")]

    def lines():
        for e in entries.iterator(chunk_size=2000):
            yield [
                timezone.localtime(e.created_at).isoformat(timespec="seconds"),
                e.user.username,
                e.model_label,
                e.filters,
                e.file_format,
                e.row_count,
            ]

    return header, lines(), entries.count()


def _access_counts(user, start, end):
    counts = list(council_selectors.access_counts())
    header = [_("user"), _("action"), _("count of actions")]
    rows = ([c["user__email"], c["action"], c["count"]] for c in counts)
    return header, rows, len(counts)


EXPORTS = [
    AuditExport(
        "register", "members", gettext_lazy("Member register at the period's end"), _register
    ),
    AuditExport(
        "register_changes",
        "members",
        gettext_lazy("Register changes in the period"),
        _register_changes,
    ),
    AuditExport(
        "trainings", "supporters", gettext_lazy("Trainings and participant counts"), _trainings
    ),
    AuditExport("meetings", "supporters", gettext_lazy("Tsunagari meetings"), _meetings),
    AuditExport("ledger", "food", gettext_lazy("Food ledger"), _ledger),
    AuditExport("movements", "food", gettext_lazy("Monthly food movements"), _movements),
    AuditExport("export_log", "platform", gettext_lazy("Export log"), _export_log),
    AuditExport(
        "access_counts",
        "council",
        gettext_lazy("Council access-log counts (all time)"),
        _access_counts,
    ),
]
EXPORTS_BY_KEY = {e.key: e for e in EXPORTS}


def audit_export_log(*, user, key: str, start, end, row_count: int, bundle: bool = False):
    filters = f"audit={key}&start={start.isoformat()}&end={end.isoformat()}"
    if bundle:
        filters += "&bundle=1"
    export_log_record(
        user=user, model=MonthlyReport, filters=filters, file_format="csv", row_count=row_count
    )


def _csv_bytes_lines(header, rows):
    """Encoded CSV lines (UTF-8, BOM first), formula-safe, one at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([escape_formula(c) for c in cells])
        return buffer.getvalue().encode("utf-8")

    yield "\ufeff".encode() + line(header)
    for row in rows:
        yield line(row)


def audit_bundle(*, user, start, end):
    """A ZIP of every export of the period with manifest.csv (file, rows, SHA-256), written to
    a temporary file (spilled to disk when large) and returned open at its start."""
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    manifest = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for export in EXPORTS:
            header, rows, _count = export.build(user, start, end)
            name = f"{export.key}-{start.isoformat()}-{end.isoformat()}.csv"
            digest, lines = hashlib.sha256(), 0
            with bundle.open(name, "w") as member:
                for index, chunk in enumerate(_csv_bytes_lines(header, rows)):
                    digest.update(chunk)
                    member.write(chunk)
                    lines = index
            manifest.append([name, str(export.title), lines, digest.hexdigest()])
            audit_export_log(
                user=user, key=export.key, start=start, end=end, row_count=lines, bundle=True
            )
        manifest_lines = _csv_bytes_lines(
            [_("file"), _("contents"), _("number of rows"), "SHA-256"], manifest
        )
        bundle.writestr("manifest.csv", b"".join(manifest_lines))
    spool.seek(0)
    return spool, manifest
