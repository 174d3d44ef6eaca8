from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from schalter.api.v1 import api
from schalter.public import views as public_views

urlpatterns = [
    path("healthz", public_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("staff/", include("schalter.staff.urls")),
    path("api/v1/", api.urls),
    *i18n_patterns(path("", include("schalter.public.urls")), prefix_default_language=True),
]

handler404 = "schalter.public.views.page_not_found"
handler500 = "schalter.public.views.server_error"
