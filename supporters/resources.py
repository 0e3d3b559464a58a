from core.exports import SafeModelResource

from .models import Supporter


class SupporterResource(SafeModelResource):
    class Meta:
        model = Supporter
        fields = ("id", "full_name", "full_name_kana", "municipality__name", "registered_on")
