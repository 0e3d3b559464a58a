from core.exports import SafeModelResource

from .models import Organisation


class OrganisationResource(SafeModelResource):
    class Meta:
        model = Organisation
        fields = ("id", "name", "name_kana", "municipality__name", "created_at")
