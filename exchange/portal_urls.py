"""The board's pages in the contact portal, mounted at /members/my/board/ (kirin_pf/urls.py)."""

from django.urls import path

from . import portal

app_name = "exchange-portal"

urlpatterns = [
    path("", portal.BoardView.as_view(), name="board"),
    path("new/", portal.PostCreateView.as_view(), name="post-create"),
    path("<int:pk>/", portal.PostDetailView.as_view(), name="post-detail"),
    path("exchanges/<int:pk>/", portal.ExchangeDetailView.as_view(), name="exchange-detail"),
]
