"""Import and export of the register (django-import-export)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from import_export import fields

from core.exports import SafeModelResource
from core.japanese import fold, parse_date
from core.models import Municipality

from . import services
from .models import Membership, Organisation, OrganisationType
from .selectors import membership_history_for_export


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


_TIERS = {"幹事団体": Membership.Tier.STEERING, "一般団体": Membership.Tier.GENERAL}
_TYPES = {str(label): value for value, label in OrganisationType.choices}


class RegisterImportResource(SafeModelResource):
    """An existing register (CSV/XLSX) with Japanese headings. Every row is checked; any error
    is reported per row in Japanese and nothing is saved (the admin rolls back on errors)."""

    name = fields.Field(attribute="name", column_name="団体名")
    name_kana = fields.Field(attribute="name_kana", column_name="ふりがな")
    representative_name = fields.Field(attribute="representative_name", column_name="代表者")
    contact_name = fields.Field(attribute="contact_name", column_name="担当者")
    postal_code = fields.Field(attribute="postal_code", column_name="郵便番号")
    address = fields.Field(attribute="address", column_name="所在地")
    phone = fields.Field(attribute="phone", column_name="電話番号")
    email = fields.Field(attribute="email", column_name="メールアドレス")

    HEADINGS = ("団体名", "ふりがな", "種別", "区分", "入会日", "市町村")

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
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = False

    def before_import(self, dataset, **kwargs):
        missing = [h for h in self.HEADINGS if h not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("Columns missing from the file: %(columns)s") % {"columns": "、".join(missing)}
            )
        self._actor = kwargs.get("user")
        self._seen = set()
        self._municipalities = {m.name: m for m in Municipality.objects.all()}

    def get_instance(self, instance_loader, row):
        return None  # every row is a new organisation; duplicates are reported as errors

    def import_instance(self, instance, row, **kwargs):
        """Check one row and fill `instance`; every error of the row is reported at once."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field_name, messages in self._check_name(instance, row).items():
            errors.setdefault(field_name, []).extend(messages)
        # The row's own checks say better what is wrong with these columns than the model's.
        for check in (
            self._check_type,
            self._check_tier,
            self._check_started_on,
            self._check_municipality,
            self._check_email,
        ):
            errors.update(check(instance, row))
        if errors:
            raise ValidationError(errors)

    def _check_name(self, instance, row) -> dict:
        name = (row.get("団体名") or "").strip()
        problems = []
        if not name:
            problems.append(_("The organisation name is empty."))
        folded = fold(name)
        if folded and folded in self._seen:
            problems.append(_("The same organisation appears twice."))
        if folded and Organisation.objects.filter(search_text__startswith=folded + " ").exists():
            problems.append(_("This organisation is already registered."))
        self._seen.add(folded)
        return {"name": problems} if problems else {}

    def _check_type(self, instance, row) -> dict:
        type_label = (row.get("種別") or "").strip()
        if type_label == "個人":
            return {"organisation_type": [_("Individuals cannot be members.")]}
        if type_label not in _TYPES:
            return {
                "organisation_type": [
                    _("Unknown organisation type: %(value)s") % {"value": type_label or "（空欄）"}
                ]
            }
        instance.organisation_type = _TYPES[type_label]
        return {}

    def _check_tier(self, instance, row) -> dict:
        tier_label = (row.get("区分") or "").strip()
        instance.import_tier = _TIERS.get(tier_label)
        if tier_label not in _TIERS:
            return {"tier": [_("The tier must be 幹事団体 or 一般団体.")]}
        return {}

    def _check_started_on(self, instance, row) -> dict:
        instance.import_started_on = parse_date(str(row.get("入会日") or ""))
        if instance.import_started_on is None:
            return {"started_on": [_("The joining date must be a date such as 2024-04-01.")]}
        return {}

    def _check_municipality(self, instance, row) -> dict:
        town = (row.get("市町村") or "").strip()
        if not town:
            return {}
        if town not in self._municipalities:
            return {"municipality": [_("Unknown municipality: %(value)s") % {"value": town}]}
        instance.municipality = self._municipalities[town]
        return {}

    def _check_email(self, instance, row) -> dict:
        email = (row.get("メールアドレス") or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                return {"email": [_("The e-mail address is not valid.")]}
        return {}

    def do_instance_save(self, instance, is_create):
        # The organisation and its membership are written by the service, as one entry.
        services.register_entry_import(
            organisation=instance,
            tier=instance.import_tier,
            started_on=instance.import_started_on,
            actor=self._actor,
        )
