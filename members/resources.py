"""Import and export of the register (django-import-export)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from import_export import fields

from core.exports import SafeModelResource
from core.imports import ChoiceMatcher, Column, folded_key
from core.japanese import parse_date
from core.models import Municipality

from .models import Membership, Organisation, OrganisationType, organisation_name_key
from .selectors import membership_history_for_export
from .services.register import register_entries_import


class OrganisationResource(SafeModelResource):
    class Meta:
        model = Organisation
        fields = (
            "id",
            "name",
            "name_kana",
            "organisation_type",
            "municipality__name",
            "last_contact_on",
            "created_at",
        )

    def get_queryset(self):
        return Organisation.objects.select_related("municipality")


class MembershipExportResource(SafeModelResource):
    """The register and its history for auditors (the export is logged by the admin)."""

    organisation = fields.Field(attribute="organisation__name", column_name="団体名")
    organisation_kana = fields.Field(attribute="organisation__name_kana", column_name="ふりがな")
    municipality = fields.Field(attribute="organisation__municipality__name", column_name="市町村")

    class Meta:
        model = Membership
        fields = (
            "id",
            "organisation",
            "organisation_kana",
            "municipality",
            "tier",
            "started_on",
            "ended_on",
            "end_reason",
            "expulsion_ground",
        )

    def get_queryset(self):
        return membership_history_for_export()


_TIERS = [(value, label) for value, label in Membership.Tier.choices]
_TYPES = [(value, label) for value, label in OrganisationType.choices]
# Other ways a register writes the type or the tier (compared folded, see core.imports).
_TYPE_SYNONYMS = {
    "特定非営利活動法人": OrganisationType.NPO,
    "NPO": OrganisationType.NPO,
    "社協": OrganisationType.SOCIAL_WELFARE_COUNCIL,
    "市社協": OrganisationType.SOCIAL_WELFARE_COUNCIL,
    "町社協": OrganisationType.SOCIAL_WELFARE_COUNCIL,
    "株式会社": OrganisationType.COMPANY,
    "有限会社": OrganisationType.COMPANY,
    "合同会社": OrganisationType.COMPANY,
    "企業": OrganisationType.COMPANY,
    "生協": OrganisationType.COOPERATIVE,
    "生活協同組合": OrganisationType.COOPERATIVE,
    "農協": OrganisationType.COOPERATIVE,
    "医療法人": OrganisationType.MEDICAL,
    "病院": OrganisationType.MEDICAL,
    "行政": OrganisationType.PUBLIC_BODY,
    "自治体": OrganisationType.PUBLIC_BODY,
    "市役所": OrganisationType.PUBLIC_BODY,
    "町役場": OrganisationType.PUBLIC_BODY,
    "ボランティア団体": OrganisationType.VOLUNTARY,
    "その他": OrganisationType.OTHER,
}
_TIER_SYNONYMS = {"幹事": Membership.Tier.STEERING, "一般": Membership.Tier.GENERAL}
# The batch written at once (and the names checked against the register in one query).
BATCH_SIZE = 1000


class RegisterImportResource(SafeModelResource):
    """An existing register (CSV/XLSX) with Japanese headings, imported through core.imports.

    Every row is checked and any error is reported per row and column in Japanese (nothing is
    saved then). Organisations already in the register (same folded name) are skipped and
    reported as skipped. The rows are checked against the register and written a batch at a
    time: the number of queries does not grow with the rows of a batch."""

    name = fields.Field(attribute="name", column_name="団体名")
    name_kana = fields.Field(attribute="name_kana", column_name="ふりがな")
    representative_name = fields.Field(attribute="representative_name", column_name="代表者")
    contact_name = fields.Field(attribute="contact_name", column_name="担当者")
    postal_code = fields.Field(attribute="postal_code", column_name="郵便番号")
    address = fields.Field(attribute="address", column_name="所在地")
    phone = fields.Field(attribute="phone", column_name="電話番号")
    email = fields.Field(attribute="email", column_name="メールアドレス")

    # Errors of these attributes are shown under the column they come from.
    error_columns = {
        "organisation_type": "種別",
        "tier": "区分",
        "started_on": "入会日",
        "municipality": "市町村",
    }

    class Meta:
        model = Organisation
        fields = (
            "name",
            "name_kana",
            "representative_name",
            "contact_name",
            "postal_code",
            "address",
            "phone",
            "email",
        )
        import_id_fields = ()
        use_bulk = True
        batch_size = BATCH_SIZE
        skip_diff = True
        report_skipped = True

    @classmethod
    def get_display_name(cls):
        return _("Register of member organisations")

    @classmethod
    def import_columns(cls):
        types = tuple(str(label) for _value, label in _TYPES)
        return [
            Column("団体名", required=True, example="NPO法人きりんのまち"),
            Column("ふりがな", example="きりんのまち"),
            Column(
                "種別",
                required=True,
                choices=types,
                example=str(OrganisationType.NPO.label),
                note=_("Also: 特定非営利活動法人, 社協, 株式会社, その他 …"),
            ),
            Column(
                "区分",
                required=True,
                choices=tuple(str(label) for _value, label in _TIERS),
                example=str(Membership.Tier.GENERAL.label),
            ),
            Column("入会日", required=True, example="2024-04-01", note="2024/4/1、2024年4月1日"),
            Column(
                "市町村",
                required=True,
                example="鳥取市",
                note=_("The municipalities of the platform; blank for a prefecture-wide body."),
            ),
            Column("代表者", example="理事長 麒麟 太郎"),
            Column("担当者", example="麒麟 花子"),
            Column("郵便番号", example="680-0001"),
            Column("所在地", example="鳥取市東町一丁目1番地"),
            Column("電話番号", example="0857-00-0000"),
            Column("メールアドレス", example="info@example.jp"),
        ]

    def before_import(self, dataset, **kwargs):
        self._actor = kwargs.get("user")
        self._seen = set()
        self._type_of = ChoiceMatcher(_TYPES, _TYPE_SYNONYMS)
        self._tier_of = ChoiceMatcher(_TIERS, _TIER_SYNONYMS)
        self._municipalities = {}
        for municipality in Municipality.objects.all():
            self._municipalities[folded_key(municipality.name)] = municipality
        # Which names are in the register already: one query per batch of names.
        keys = sorted({organisation_name_key(str(name or "")) for name in dataset["団体名"]})
        self._registered = set()
        for first in range(0, len(keys), BATCH_SIZE):
            self._registered.update(
                Organisation.objects.filter(name_key__in=keys[first : first + BATCH_SIZE])
                .values_list("name_key", flat=True)
                .order_by()
            )

    def get_instance(self, instance_loader, row):
        return None  # every row is a new organisation (registered ones are skipped)

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            row[key] = "" if value is None else str(value).strip()

    def import_instance(self, instance, row, **kwargs):
        """Check one row and fill `instance`; every error of the row is reported at once."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for check in (
            self._check_name,
            self._check_type,
            self._check_tier,
            self._check_started_on,
            self._check_municipality,
            self._check_email,
        ):
            for field_name, messages in check(instance, row).items():
                errors.setdefault(field_name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return organisation_name_key(row.get("団体名") or "") in self._registered

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The model's field checks (lengths); no query: duplicates are checked by batch.
        errors = dict(import_validation_errors or {})
        try:
            instance.clean_fields(exclude=[*errors, *Organisation.DERIVED_FIELDS])
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _check_name(self, instance, row) -> dict:
        key = organisation_name_key(row.get("団体名") or "")
        if not key:
            return {"name": [_("The organisation name is empty.")]}
        if key in self._seen:
            return {"name": [_("The same organisation appears twice.")]}
        self._seen.add(key)
        return {}

    def _check_type(self, instance, row) -> dict:
        type_label = row.get("種別") or ""
        if folded_key(type_label) == "個人":
            return {"organisation_type": [_("Individuals cannot be members.")]}
        value = self._type_of(type_label)
        if value is None:
            return {
                "organisation_type": [
                    _("Unknown organisation type: %(value)s") % {"value": type_label or "（空欄）"}
                ]
            }
        instance.organisation_type = value
        return {}

    def _check_tier(self, instance, row) -> dict:
        instance.import_tier = self._tier_of(row.get("区分"))
        if instance.import_tier is None:
            return {"tier": [_("The tier must be 幹事団体 or 一般団体.")]}
        return {}

    def _check_started_on(self, instance, row) -> dict:
        instance.import_started_on = parse_date(str(row.get("入会日") or ""))
        if instance.import_started_on is None:
            return {"started_on": [_("The joining date must be a date such as 2024-04-01.")]}
        return {}

    def _check_municipality(self, instance, row) -> dict:
        town = row.get("市町村") or ""
        if not town:
            return {}
        key = folded_key(town)
        municipality = self._municipalities.get(key) or next(
            (m for k, m in self._municipalities.items() if k[:-1] == key and k[-1] in "市町村"),
            None,
        )
        if municipality is None:
            return {"municipality": [_("Unknown municipality: %(value)s") % {"value": town}]}
        instance.municipality = municipality
        return {}

    def _check_email(self, instance, row) -> dict:
        email = row.get("メールアドレス") or ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                return {"email": [_("The e-mail address is not valid.")]}
        return {}

    def preview_values(self, instance) -> dict:
        """The row as it will be written: the type and tier as their labels."""
        return {
            "団体名": instance.name,
            "ふりがな": instance.name_kana,
            "種別": instance.get_organisation_type_display(),
            "区分": Membership.Tier(instance.import_tier).label,
            "入会日": instance.import_started_on,
            "市町村": instance.municipality.name if instance.municipality_id else "",
            "代表者": instance.representative_name,
            "担当者": instance.contact_name,
            "郵便番号": instance.postal_code,
            "所在地": instance.address,
            "電話番号": instance.phone,
            "メールアドレス": instance.email,
        }

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # The organisations and their memberships are written by the service, a batch at once.
        if self.create_instances and not dry_run:
            try:
                register_entries_import(
                    entries=[
                        (o, o.import_tier, o.import_started_on) for o in self.create_instances
                    ],
                    actor=self._actor,
                )
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
        self.create_instances.clear()
