from .exports import SafeModelResource
from .models import Municipality


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
