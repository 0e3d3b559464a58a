from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down (the edge of the world)."""

    def send_messages(self, email_messages):
        raise ConnectionError("SMTP server unreachable")
