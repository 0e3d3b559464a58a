from core.exports import SafeModelResource

from .models import Site


class SiteResource(SafeModelResource):
    class Meta:
        model = Site
        fields = ("id", "name", "kind", "municipality__name", "capacity_kg")
