"""Limits on what the public can send: every text field has a maximum, every request body too.

- `BoundedTextMixin` gives each text field of a public form that has no maximum of its own
  PUBLIC_TEXT_MAX characters (the browser's maxlength and the form's check, with Django's Japanese
  message); the model fields behind them carry the same maximum.
- `RequestBodyLimitMiddleware` refuses, before any view reads it, a request body larger than
  DATA_UPLOAD_MAX_MEMORY_SIZE (forms) or UPLOAD_MAX_BYTES (file uploads, i.e. imports), with a
  Japanese page and status 413. Django's own DATA_UPLOAD_MAX_MEMORY_SIZE check stays behind it
  for bodies sent without a length.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.validators import MaxLengthValidator
from django.shortcuts import render
from django.views import defaults

PUBLIC_TEXT_MAX = 2000
# Staff's free texts (case records, notes, minutes): long, never unbounded.
STAFF_TEXT_MAX = 10000
# For the model fields behind public forms (a TextField's max_length alone is not validated).
PUBLIC_TEXT_VALIDATOR = MaxLengthValidator(PUBLIC_TEXT_MAX)
STAFF_TEXT_VALIDATOR = MaxLengthValidator(STAFF_TEXT_MAX)


def is_free_text(field) -> bool:
    return isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)


class BoundedTextMixin:
    """For public forms: no text field without a maximum."""

    text_max_length = PUBLIC_TEXT_MAX

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if is_free_text(field) and field.max_length is None:
                field.max_length = self.text_max_length
                field.validators.append(MaxLengthValidator(self.text_max_length))
                field.widget.attrs.update(field.widget_attrs(field.widget))


def body_limit(request) -> int:
    if request.content_type == "multipart/form-data":
        return settings.UPLOAD_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit(request)
        if length > limit:
            return too_large(request, limit)
        return self.get_response(request)


def too_large(request, limit):
    return render(request, "core/request_too_large.html", {"limit_kb": limit // 1024}, status=413)


def bad_request(request, exception):
    """handler400: a form field over DATA_UPLOAD_MAX_MEMORY_SIZE inside a multipart body (which
    the middleware lets through up to UPLOAD_MAX_BYTES) is refused like any too large body."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return defaults.bad_request(request, exception)
