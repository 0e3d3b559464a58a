from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse

# Paths a person must still reach while being sent to set up MFA (the favicon and robots.txt
# are asked for by the browser itself, in the background).
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/favicon.ico", "/robots.txt")

# Sec-Fetch-Dest of a navigation a person sees (absent in old browsers and test clients).
_PAGE_DESTINATIONS = {"document", "iframe", "frame"}


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
            and not Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            ).exists()
        ):
            if request.headers.get("Sec-Fetch-Dest", "document") not in _PAGE_DESTINATIONS:
                # A background request (image, script, fetch) must not open the set-up page:
                # it would be answered with a page nobody sees.
                return HttpResponseForbidden(content_type="text/plain")
            setup_url = reverse("mfa_activate_totp")
            return redirect(f"{setup_url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
