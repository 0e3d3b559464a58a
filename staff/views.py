from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; answer with the static icon."""
    return HttpResponseRedirect(static("favicon.ico"))


@requires_csrf_token
def csrf_failure(request, reason=""):
    """The CSRF refusal as a page of the product (settings.CSRF_FAILURE_VIEW).

    The reason is logged by Django; the page says what a person can do about it."""
    return render(request, "403_csrf.html", status=403)
