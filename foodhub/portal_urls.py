"""The contact portal's food pages, mounted at /members/my/food/ (kirin_pf/urls.py)."""

from django.urls import path

from . import portal

app_name = "food-portal"

urlpatterns = [
    path("", portal.FoodRequestListView.as_view(), name="request-list"),
    path("new/", portal.FoodRequestCreateView.as_view(), name="request-create"),
    path("<int:pk>/", portal.FoodRequestDetailView.as_view(), name="request-detail"),
]
