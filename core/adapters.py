from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from . import roles


def _only_hub_operator(user) -> bool:
    """A hub operator and nothing else: their work is on /foodhub/, not in the admin."""
    if user.is_superuser:
        return False
    return set(user.groups.values_list("name", flat=True)) == {roles.HUB_OPERATOR}


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the secretariat; nobody signs up on their own."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        # Staff work in the admin, hub operators at their hubs; member organisations' contacts
        # on their own entry.
        if _only_hub_operator(request.user):
            return reverse("foodhub:stock")
        if request.user.is_staff:
            return super().get_login_redirect_url(request)
        return reverse("members:my-organisation")
