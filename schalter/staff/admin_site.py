"""Django's /admin/ behind the staff sign-in. Where it is mounted at all (config/urls.py: not in
production unless SCHALTER_DJANGO_ADMIN is on), only a staff user (`is_staff`) signed in with
both factors gets in, and she signs in through /staff/login/ with its lockout and its limit per
address: the admin's own sign-in form (django-otp's, password and code in one) would bypass both,
so it only sends people to the staff sign-in."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return redirect(next_url)
        if request.user.is_authenticated and request.user.is_verified():
            raise PermissionDenied  # signed in with both factors, but not for the admin
        return redirect_to_login(next_url, "staff:login")
