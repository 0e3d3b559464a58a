"""Export and import of supporters (django-import-export), with Japanese column names.

The import resource reads the spreadsheets the secretariat kept before the platform (CSV, and
XLSX when openpyxl is installed). Every cell error is reported per row and field in Japanese;
`rollback_on_validation_errors` on the admin means nothing is saved if any row fails.
"""

import datetime
import unicodedata

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from import_export import fields, widgets
from import_export.forms import SelectableFieldsExportForm

from core.exports import SafeModelResource
from core.japanese import parse_date
from core.models import Municipality

from .models import (
    Affiliation,
    Attendance,
    Certificate,
    ConsentText,
    Registration,
    SchoolDistrict,
    Supporter,
    SupporterNotice,
    SupporterRuleSet,
    TrainingSession,
    TsunagariMeeting,
)

_TRUE = {"はい", "有", "あり", "○", "◯", "yes", "true", "1"}
_FALSE = {"", "いいえ", "無", "なし", "×", "no", "false", "0"}


class MunicipalityWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        name = (value or "").strip()
        if not name:
            raise ValueError(_("Please enter the municipality."))
        municipality = Municipality.objects.filter(name=name).first()
        if municipality is None:
            raise ValueError(_("The municipality “%(name)s” is not registered.") % {"name": name})
        return municipality

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class DistrictWidget(widgets.Widget):
    """A school district by name, looked up within the row's municipality."""

    def clean(self, value, row=None, **kwargs):
        name = (value or "").strip()
        if not name:
            return None
        town = ((row or {}).get("市町") or "").strip()
        district = SchoolDistrict.objects.filter(name=name, municipality__name=town).first()
        if district is None:
            raise ValueError(
                _("The school district “%(name)s” is not in “%(town)s”.")
                % {"name": name, "town": town}
            )
        return district

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(_("Please write “%(value)s” as はい or いいえ.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "はい" if value else "いいえ"


class AffiliationWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = (value or "").strip()
        if not text:
            return Affiliation.RESIDENT
        for choice in Affiliation:
            if text in (choice.value, str(choice.label)) or str(choice.label).startswith(text):
                return choice.value
        allowed = "、".join(str(c.label) for c in Affiliation)
        raise ValueError(
            _("The affiliation “%(value)s” must be one of: %(allowed)s")
            % {"value": text, "allowed": allowed}
        )

    def render(self, value, obj=None, **kwargs):
        return str(Affiliation(value).label) if value else ""


class JapaneseDateWidget(widgets.Widget):
    """2024-03-12, 2024/3/12 or a spreadsheet date cell."""

    def __init__(self, required=False):
        self.required = required
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value or "").strip()
        if not text:
            if self.required:
                raise ValueError(_("Please enter a date."))
            return None
        parsed = parse_date(text)
        if parsed is not None:
            return parsed
        raise ValueError(
            _("The date “%(value)s” cannot be read. Please write it like 2024-03-12.")
            % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class CountWidget(widgets.Widget):
    """A number of people: 84, ８４ or 84名; empty is 0 unless required."""

    def __init__(self, required=False):
        self.required = required
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = str(int(value)) if float(value).is_integer() else str(value)
        else:
            text = unicodedata.normalize("NFKC", str(value or "")).strip().removesuffix("名")
            text = text.replace(",", "").strip()
        if not text:
            if self.required:
                raise ValueError(_("Please enter the number of participants."))
            return 0
        if not text.isdigit():
            raise ValueError(
                _("“%(value)s” is not a number of people (write it like 25).") % {"value": value}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ConsentWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        version = (value or "").strip()
        if not version:
            return None
        text = ConsentText.objects.filter(version=version).first()
        if text is None:
            raise ValueError(
                _("The consent text version “%(version)s” is not registered.")
                % {"version": version}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return value.version if value else ""


class JapaneseExportForm(SelectableFieldsExportForm):
    """The export field picker labels each column by its (Japanese) column name only, not by
    the English attribute name import-export derives ("Full Name (氏名)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field else field_name


def japanese_columns(resource_class):
    """Name every auto-created column after the model field's verbose name (gettext_lazy, so
    Japanese in the export and the picker); declared fields keep their column names."""
    model = resource_class._meta.model
    for name, field in resource_class.fields.items():
        if field.column_name != name:
            continue  # declared with its own column name
        first = name.split("__")[0]
        if first == "id":
            field.column_name = "ID"
            continue
        model_field = model._meta.get_field(first)
        field.column_name = capfirst(model_field.verbose_name)  # stays lazy
    return resource_class


def _field(attribute, column, widget=None):
    return fields.Field(attribute=attribute, column_name=column, widget=widget or widgets.Widget())


class SupporterResource(SafeModelResource):
    """Columns shared by export and import."""

    # The example row of the import's template (core.imports).
    import_examples = {
        "氏名": "麒麟 花子",
        "ふりがな": "きりん はなこ",
        "メールアドレス": "hanako@example.jp",
        "電話番号": "090-0000-0000",
        "LINE受信": "いいえ",
        "登録日": "2024-04-01",
        "最終受講日": "2024-03-12",
    }

    full_name = _field("full_name", "氏名")
    full_name_kana = _field("full_name_kana", "ふりがな")
    municipality = _field("municipality", "市町", MunicipalityWidget())
    district = _field("district", "中学校区", DistrictWidget())
    email = _field("email", "メールアドレス")
    phone = _field("phone", "電話番号")
    receives_line = _field("receives_line", "LINE受信", YesNoWidget())
    line_name = _field("line_name", "LINE名")
    affiliation = _field("affiliation", "所属", AffiliationWidget())
    affiliation_detail = _field("affiliation_detail", "所属（詳細）")
    registered_on = _field("registered_on", "登録日", JapaneseDateWidget(required=True))
    last_trained_on = _field("last_trained_on", "最終受講日", JapaneseDateWidget())
    consent_text = _field("consent_text", "同意文の版", ConsentWidget())

    class Meta:
        model = Supporter
        fields = (
            "full_name",
            "full_name_kana",
            "municipality",
            "district",
            "email",
            "phone",
            "receives_line",
            "line_name",
            "affiliation",
            "affiliation_detail",
            "registered_on",
            "last_trained_on",
            "consent_text",
        )
        import_id_fields = ()  # an existing list is imported as new supporters
        clean_model_instances = True
        skip_unchanged = False

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._actor = kwargs.get("user")  # the admin passes the importing user

    def do_instance_save(self, instance, is_create):
        from .services import supporter_import

        supporter_import(supporter=instance, actor=getattr(self, "_actor", None))

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            if isinstance(value, str):
                row[key] = value.strip()
            elif value is None:
                row[key] = ""

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if not instance.receives_line:
            instance.line_name = instance.line_name or ""
        if instance.consent_text and instance.consented_at is None and instance.registered_on:
            # Paper consent: the time is the registration day as recorded in the list.
            instance.consented_at = timezone.make_aware(
                datetime.datetime.combine(instance.registered_on, datetime.time(0, 0))
            )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        from .services import details_check

        errors = dict(import_validation_errors or {})
        try:
            details_check(
                {
                    "municipality": getattr(instance, "municipality", None),
                    "district": instance.district,
                    "receives_line": instance.receives_line,
                    "line_name": instance.line_name,
                }
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        super().validate_instance(instance, errors, validate_unique)


@japanese_columns
class SchoolDistrictResource(SafeModelResource):
    class Meta:
        model = SchoolDistrict
        fields = ("id", "municipality__name", "name", "name_kana", "target", "is_placeholder")


@japanese_columns
class TrainingSessionResource(SafeModelResource):
    class Meta:
        model = TrainingSession
        fields = (
            "id",
            "counts_only",
            "kind",
            "title",
            "held_on",
            "starts_at",
            "ends_at",
            "venue",
            "municipality__name",
            "district__name",
            "audience",
            "capacity",
            "instructor",
            "host_organisation__name",
            "status",
            "unrecorded_participants",
        )


class _CountsImportResource(SafeModelResource):
    """An import of past records given as counts only, saved one by one through the app's
    service (validated, audited with the importing user). A row already recorded (the same
    day, venue and municipality) is skipped and reported as such, so a file imported twice
    records each session once."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._actor = kwargs.get("user")  # the admin and core.imports pass the importing user

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            if isinstance(value, str):
                row[key] = value.strip()
            elif value is None:
                row[key] = ""

    def already_recorded(self, instance) -> bool:
        raise NotImplementedError

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        try:
            return self.already_recorded(instance)
        except ObjectDoesNotExist:  # no municipality: validation reports it
            return False


class PastTrainingImportResource(_CountsImportResource):
    """Past trainings from the tables kept before the platform (the seeds' 表 4-4: date,
    venue or audience, participants), each with its municipality: head counts only, no kind,
    times or capacity."""

    import_examples = {"開催日": "2023-12-09", "会場・対象": "地区公民館", "参加者数": "19"}

    held_on = _field("held_on", "開催日", JapaneseDateWidget(required=True))
    venue = _field("venue", "会場・対象")
    municipality = _field("municipality", "市町", MunicipalityWidget())
    district = _field("district", "中学校区", DistrictWidget())
    unrecorded_participants = _field(
        "unrecorded_participants", "参加者数", CountWidget(required=True)
    )
    title = _field("title", "研修名")
    programme = _field("programme", "備考")

    class Meta:
        model = TrainingSession
        name = "過去の研修（人数のみ）"
        fields = (
            "held_on",
            "venue",
            "municipality",
            "district",
            "unrecorded_participants",
            "title",
            "programme",
        )
        import_id_fields = ()
        clean_model_instances = False  # the service's check below says what is missing
        skip_unchanged = False

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        instance.counts_only = True
        instance.status = TrainingSession.Status.HELD
        instance.is_public = False

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        from .services import training_session_check

        errors = dict(import_validation_errors or {})
        if not errors:
            data = {f.name: getattr(instance, f.attname) for f in TrainingSession._meta.fields}
            data["municipality"] = getattr(instance, "municipality", None)
            data["district"] = instance.district
            try:
                training_session_check(data)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)

    def already_recorded(self, instance) -> bool:
        return TrainingSession.objects.filter(
            counts_only=True,
            held_on=instance.held_on,
            venue=instance.venue,
            municipality=instance.municipality,
        ).exists()

    def do_instance_save(self, instance, is_create):
        from .services import training_session_save

        training_session_save(
            session=instance, data={"counts_only": True}, actor=getattr(self, "_actor", None)
        )


class TsunagariMeetingImportResource(_CountsImportResource):
    """つながりミーティング from the tables kept before the platform (the seeds' 表 4-5: date,
    venue, participants without students, students), each with its municipality."""

    import_examples = {
        "実施日": "2023-11-18",
        "会場": "地区公民館",
        "参加者数（学生除く）": "24",
        "学生参加者数": "3",
    }

    held_on = _field("held_on", "実施日", JapaneseDateWidget(required=True))
    venue = _field("venue", "会場")
    municipality = _field("municipality", "市町", MunicipalityWidget())
    district = _field("district", "中学校区", DistrictWidget())
    resident_participants = _field(
        "resident_participants", "参加者数（学生除く）", CountWidget(required=True)
    )
    student_participants = _field("student_participants", "学生参加者数", CountWidget())
    notes = _field("notes", "備考")

    class Meta:
        model = TsunagariMeeting
        name = "つながりミーティング（人数）"
        fields = (
            "held_on",
            "venue",
            "municipality",
            "district",
            "resident_participants",
            "student_participants",
            "notes",
        )
        import_id_fields = ()
        clean_model_instances = True
        skip_unchanged = False

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        from .services import details_check

        errors = dict(import_validation_errors or {})
        if not errors:
            try:
                municipality = getattr(instance, "municipality", None)
                details_check({"municipality": municipality, "district": instance.district})
            except ValidationError as exc:
                errors.update(exc.message_dict)
        super().validate_instance(instance, errors, validate_unique)

    def already_recorded(self, instance) -> bool:
        return TsunagariMeeting.objects.filter(
            held_on=instance.held_on, venue=instance.venue, municipality=instance.municipality
        ).exists()

    def do_instance_save(self, instance, is_create):
        from .services import tsunagari_meeting_save

        tsunagari_meeting_save(meeting=instance, data={}, actor=getattr(self, "_actor", None))


@japanese_columns
class TsunagariMeetingResource(SafeModelResource):
    class Meta:
        model = TsunagariMeeting
        fields = (
            "id",
            "held_on",
            "venue",
            "municipality__name",
            "district__name",
            "resident_participants",
            "student_participants",
        )


@japanese_columns
class RegistrationResource(SafeModelResource):
    class Meta:
        model = Registration
        fields = (
            "id",
            "session__title",
            "full_name",
            "full_name_kana",
            "email",
            "phone",
            "municipality__name",
            "district__name",
            "affiliation",
            "status",
            "created_at",
        )


@japanese_columns
class AttendanceResource(SafeModelResource):
    class Meta:
        model = Attendance
        fields = ("id", "session__title", "supporter__full_name", "walk_in", "recorded_at")


@japanese_columns
class CertificateResource(SafeModelResource):
    class Meta:
        model = Certificate
        fields = (
            "id",
            "number",
            "name_on_certificate",
            "session_title",
            "completed_on",
            "issued_on",
        )


@japanese_columns
class SupporterNoticeResource(SafeModelResource):
    class Meta:
        model = SupporterNotice
        fields = (
            "id",
            "subject",
            "municipality__name",
            "district__name",
            "status_filter",
            "created_at",
            "sent_at",
        )


@japanese_columns
class SupporterRuleSetResource(SafeModelResource):
    class Meta:
        model = SupporterRuleSet
        fields = (
            "id",
            "valid_from",
            "refresher_interval_months",
            "refresher_reminder_days",
            "signup_limit_per_hour",
        )


@japanese_columns
class ConsentTextResource(SafeModelResource):
    class Meta:
        model = ConsentText
        fields = ("id", "version", "valid_from", "body")
