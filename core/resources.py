from import_export import fields

from .exports import SafeModelResource
from .models import Municipality, Notification
from .notification_purposes import purpose_label


class MunicipalityResource(SafeModelResource):
    class Meta:
        model = Municipality
        fields = (
            "id",
            "name",
            "name_kana",
            "prefecture",
            "population",
            "households",
            "aged_65_plus_percent",
            "community_cafeterias",
        )


class NotificationResource(SafeModelResource):
    """The e-mails sent, for Excel: the purpose in words, never its internal code."""

    purpose = fields.Field(attribute="purpose", column_name="目的")

    class Meta:
        model = Notification
        fields = ("created_at", "purpose", "period", "recipient", "subject", "status", "sent_at")

    def dehydrate_purpose(self, notification):
        return purpose_label(notification.purpose)
