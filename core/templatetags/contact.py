from django import template

from ..contact import secretariat_contact

register = template.Library()


@register.inclusion_tag("core/_secretariat_contact.html")
def secretariat_footer():
    """{% secretariat_footer %}: the 事務局's contact as set in the admin, for page footers."""
    return {"contact": secretariat_contact()}


@register.simple_tag
def get_secretariat_contact():
    """{% get_secretariat_contact as contact %}: for documents (certificates' representative)."""
    return secretariat_contact()
