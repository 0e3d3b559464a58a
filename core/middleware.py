from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.shortcuts import redirect
from django.urls import reverse

# Paths a person must still reach while being sent to set up MFA.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RequireMFAMiddleware:
    """Send members of an MFA-required group to set up TOTP before anything else.

    allauth offers MFA to everyone but cannot make it mandatory; a group's RolePolicy can.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and user.mfa_required
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            setup_url = reverse("mfa_activate_totp")
            return redirect(f"{setup_url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
