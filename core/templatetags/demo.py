"""The login page's note that the development demo needs no two-factor authentication."""

from django import template
from django.conf import settings
from django.urls import reverse

from core.demo import DEMO_EMAIL, DEMO_PASSWORD

register = template.Library()


@register.inclusion_tag("core/demo_login_notice.html", takes_context=True)
def demo_login_notice(context):
    request = context.get("request")
    on_login_page = request is not None and request.path == reverse("account_login")
    return {
        "show": settings.DEBUG and on_login_page,
        "email": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
    }
