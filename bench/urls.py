from django.urls import path

from bench import views
from schalter.config.urls import urlpatterns as schalter_urlpatterns

urlpatterns = [
    path("bench/hello", views.hello),
    path("bench/bare-booking", views.bare_booking),
    *schalter_urlpatterns,
]
