"""Two-factor enrolment that works on the first try in a real browser.

allauth makes a new TOTP secret on every unbound GET of the activation page. Anything else that
lands there while the person reads the QR code (a second tab, a reload by the browser, a
sub-resource request redirected there by the MFA middleware) silently replaces the secret in the
session, so the code from the authenticator app the person just scanned is refused. The secret
stays the same for the whole session until it is activated (allauth then clears it).
"""

from allauth.core import context
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY


class StableActivateTOTPForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        session = context.request.session
        previous = session.get(SECRET_SESSION_KEY)
        super().__init__(*args, **kwargs)
        if previous and not self.is_bound:
            self.secret = session[SECRET_SESSION_KEY] = previous
