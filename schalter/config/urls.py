from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from schalter.api.v1 import api
from schalter.public import display_views, kiosk_views, metrics, print_views
from schalter.public import views as public_views
from schalter.staff.admin_site import StaffAdminSite

# Django's /admin/ is mounted only where SCHALTER_DJANGO_ADMIN says so: on for `make run` and the
# tests, off in production unless its variable is switched on (settings/production.py). Wherever
# it is mounted, it sits behind the staff sign-in: two factors, the lock per name and address,
# the limit per address (staff/admin_site.py; django-otp's documented way to gate the default
# site, which keeps what the apps registered on it).
if settings.SCHALTER_DJANGO_ADMIN:
    admin.site.__class__ = StaffAdminSite

urlpatterns = [
    path("healthz", public_views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    *([path("admin/", admin.site.urls)] if settings.SCHALTER_DJANGO_ADMIN else []),
    path("staff/", include("schalter.staff.urls")),
    path("api/v1/", api.urls),
    # Printed signs: public (nothing personal), German first, so outside the language prefix.
    path("<slug:office>/signs/desks.pdf", print_views.desk_signs, name="signs_desks"),
    path("<slug:office>/signs/floors.pdf", print_views.floor_directory, name="signs_floors"),
    path("<slug:office>/kiosk/<slug:kiosk>/", kiosk_views.kiosk, name="kiosk"),
    path(
        "<slug:office>/kiosk/<slug:kiosk>/ticket/<str:token>/",
        kiosk_views.kiosk_ticket,
        name="kiosk_ticket",
    ),
    path("<slug:office>/display/<slug:screen>/", display_views.display, name="display"),
    path(
        "<slug:office>/display/<slug:screen>/calls.json",
        display_views.display_calls,
        name="display_calls",
    ),
    path(
        "<slug:office>/display/<slug:screen>/announce/<int:event>.wav",
        display_views.display_announcement,
        name="display_announcement",
    ),
    path("<slug:office>/signs/arrow.pdf", print_views.arrow_sign, name="signs_arrow"),
    # The display's QR code: no language in the link, so the phone's own settings choose one.
    path(
        "<slug:office>/queue/",
        RedirectView.as_view(pattern_name="public:queue"),
        name="queue_any_language",
    ),
    *i18n_patterns(path("", include("schalter.public.urls")), prefix_default_language=True),
]

handler404 = "schalter.public.views.page_not_found"
handler500 = "schalter.public.views.server_error"
