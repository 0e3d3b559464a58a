"""Response headers that Django's SecurityMiddleware does not set.

The Content-Security-Policy itself comes from django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """No page of the platform uses the camera, microphone, location, payment or USB: say so,
    so that neither a bug nor injected content can ask the browser for them. Passkeys
    (publickey-credentials-*) stay allowed for the site itself."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
