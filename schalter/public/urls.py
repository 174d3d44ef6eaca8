from django.urls import path

from schalter.public import booking_views, views

app_name = "public"
urlpatterns = [
    path("", views.office_chooser, name="offices"),
    path("help/", views.help_page, name="help"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    path("<slug:office>/", views.office_home, name="office"),
    path(
        "<slug:office>/book/confirm/<str:code>/<str:token>/",
        booking_views.confirm,
        name="booking_confirm",
    ),
    path(
        "<slug:office>/book/manage/<str:code>/<str:token>/",
        booking_views.manage,
        name="booking_manage",
    ),
]
