from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.ResourceMapView.as_view(), name="map"),
]
