from core.exports import SafeModelResource

from .models import Council


class CouncilResource(SafeModelResource):
    class Meta:
        model = Council
        fields = ("id", "name", "prefecture", "municipality__name", "publicly_notified_on")
