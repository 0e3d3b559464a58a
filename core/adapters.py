from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the secretariat; nobody signs up on their own."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        # Staff work in the admin; member organisations' contacts on their own entry.
        if request.user.is_staff:
            return super().get_login_redirect_url(request)
        return reverse("members:my-organisation")
