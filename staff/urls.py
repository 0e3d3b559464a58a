from django.urls import path

from . import views

# Included at the site root (kirin_pf/urls.py).
urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
]
