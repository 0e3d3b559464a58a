from django.urls import path

from . import views

app_name = "supporters"

urlpatterns = [
    path("trainings/", views.TrainingListView.as_view(), name="training-list"),
    path("trainings/calendar/", views.TrainingCalendarView.as_view(), name="training-calendar"),
    path(
        "trainings/cancel/<str:link>/",
        views.RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
    path("trainings/offer/<str:link>/", views.WaitlistOfferView.as_view(), name="waitlist-offer"),
    path("trainings/<int:pk>/signup/", views.TrainingSignupView.as_view(), name="training-signup"),
    path(
        "trainings/<int:pk>/signup/done/",
        views.TrainingSignupDoneView.as_view(),
        name="training-signup-done",
    ),
]
