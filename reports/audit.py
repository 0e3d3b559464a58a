"""The auditors' export centre (監査): every export an auditor may take, per area and period.

Each export is a header and a generator of rows read through the domain apps' selectors, or,
for the large food ledger, a core.csvstream.CsvExport the database writes (COPY on PostgreSQL,
as the hub's ledger CSV). The page streams one as UTF-8 with BOM (formula-safe, the first byte
at once), or in Shift_JIS (cp932) when every character fits — checked over the whole file
first, refused with the offending character otherwise. A period's bundle is one ZIP with a
manifest of each file's rows and SHA-256. No column names a resident, a supporter or a
household: organisations appear by name (they are public members), people never.
"""

import codecs
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

from core.csvstream import BOM, CHOICE, DATE, NUMBER, Column, CsvExport
from core.exports import escape_formula, export_log_record
from core.models import ExportLog
from council import selectors as council_selectors
from foodhub import selectors as food
from members import selectors as members
from supporters import selectors as supporters

from .models import MonthlyReport

SPOOL_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class AuditExport:
    key: str
    area: str
    title: str
    # (user, start, end) -> (header, rows iterable, row count), or, for a large table, the
    # core.csvstream.CsvExport the database writes (COPY on PostgreSQL)
    build: Callable
    written_by_database: bool = False


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


def _ledger(user, start, end) -> CsvExport:
    """The food ledger of the period, written by the database like the hub's ledger CSV (the
    same core.csvstream path): no household, only the entry and what moved."""
    entries = food.ledger_list_for_user(user).filter(effective_on__gte=start, effective_on__lte=end)
    return CsvExport(
        entries.order_by("effective_on", "pk"),
        [
            Column(_("entry"), "pk", NUMBER),
            Column(_("date"), "effective_on", DATE),
            Column(_("food site"), "site__name"),
            Column(_("kind"), "kind", CHOICE, food.ledger_kind_labels()),
            Column(_("item"), "lot__item__name"),
            Column(_("storage"), "lot__zone__kind", CHOICE, food.zone_kind_labels()),
            Column(_("lot"), "lot_id", NUMBER),
            Column(_("kg change"), "kg_delta", NUMBER),
            Column(_("pieces change"), "quantity_delta", NUMBER),
            Column(_("reason"), "reason"),
        ],
    )


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
    AuditExport("ledger", "food", gettext_lazy("Food ledger"), _ledger, written_by_database=True),
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


UTF8, CP932 = "utf-8", "cp932"
ENCODINGS = {UTF8: "UTF-8（BOM付き）", CP932: "Shift_JIS"}


def audit_export_log(
    *, user, key: str, start, end, row_count: int, bundle: bool = False, encoding=UTF8
):
    filters = f"audit={key}&start={start.isoformat()}&end={end.isoformat()}"
    if bundle:
        filters += "&bundle=1"
    file_format = "csv" if encoding == UTF8 else "csv (Shift_JIS)"
    export_log_record(
        user=user,
        model=MonthlyReport,
        filters=filters,
        file_format=file_format,
        row_count=row_count,
    )


class AuditStream:
    """One export of one period as UTF-8 CSV bytes (BOM and heading first), in blocks; the
    number of data rows is known once the blocks are consumed (`row_count`)."""

    def __init__(self, export: AuditExport, user, start, end):
        self.export = export
        self.row_count = 0
        built = export.build(user, start, end)
        if export.written_by_database:
            self._database = built
        else:
            self._database = None
            self._header, self._rows, _count = built

    def chunks(self):
        if self._database is not None:
            yield self._database.heading()
            yield from self._database.rows()
            self.row_count = self._database.row_count
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")

        def line(cells):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([escape_formula(c) for c in cells])
            return buffer.getvalue().encode("utf-8")

        yield BOM + line(self._header)
        count = 0
        for row in self._rows:
            count += 1
            yield line(row)
        self.row_count = count


class DoesNotFitShiftJIS(Exception):
    """A character of the export has no Shift_JIS (cp932) code: the message says which."""

    def __init__(self, character: str, line: int):
        self.character, self.line = character, line
        super().__init__(
            _(
                "The character 「%(character)s」 (line %(line)s) cannot be written in Shift_JIS. "
                "Please download the UTF-8 file (with BOM): Excel opens it as well."
            )
            % {"character": character, "line": line}
        )


def cp932_file(stream: AuditStream):
    """The whole export in Shift_JIS (cp932), written to a temporary file first (spilled to
    disk when large, so memory stays flat) because a character that does not fit must be
    refused before anything is sent. Raises DoesNotFitShiftJIS naming the first one."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines_before = 1
    for chunk in stream.chunks():
        text = decoder.decode(chunk)
        try:
            spool.write(text.encode(CP932))
        except UnicodeEncodeError as exc:
            spool.close()
            line = lines_before + text.count("\n", 0, exc.start)
            raise DoesNotFitShiftJIS(text[exc.start], line) from exc
        lines_before += text.count("\n")
    spool.seek(0)
    return spool


def audit_bundle(*, user, start, end):
    """A ZIP of every export of the period with manifest.csv (file, rows, SHA-256), written to
    a temporary file (spilled to disk when large) and returned open at its start. The files are
    UTF-8 with BOM, as streamed one by one."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    manifest = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for export in EXPORTS:
            stream = AuditStream(export, user, start, end)
            name = f"{export.key}-{start.isoformat()}-{end.isoformat()}.csv"
            digest = hashlib.sha256()
            with bundle.open(name, "w") as member:
                for chunk in stream.chunks():
                    digest.update(chunk)
                    member.write(chunk)
            manifest.append([name, str(export.title), stream.row_count, digest.hexdigest()])
            audit_export_log(
                user=user,
                key=export.key,
                start=start,
                end=end,
                row_count=stream.row_count,
                bundle=True,
            )
        header = [_("file"), _("contents"), _("number of rows"), "SHA-256"]
        listing = AuditStream(
            AuditExport("manifest", "", "", lambda *_args: (header, manifest, len(manifest))),
            user,
            start,
            end,
        )
        bundle.writestr("manifest.csv", b"".join(listing.chunks()))
    spool.seek(0)
    return spool, manifest
