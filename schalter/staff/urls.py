from django.urls import path

from schalter.staff import auth_views, views

app_name = "staff"
urlpatterns = [
    path("login/", auth_views.login_password, name="login"),
    path("login/code/", auth_views.login_code, name="login_code"),
    path("login/setup/", auth_views.login_setup, name="login_setup"),
    path("logout/", auth_views.logout, name="logout"),
    path("", views.home, name="home"),
    path("figures/", views.figures, name="figures"),
    path("<slug:office>/", views.office_overview, name="office"),
    path("<slug:office>/desks/", views.desk_list, name="desks"),
    path("<slug:office>/desks/<int:pk>/", views.desk_edit, name="desk"),
    path("<slug:office>/locations/<int:pk>/", views.location_detail, name="location"),
    path("<slug:office>/closures/", views.closure_list, name="closures"),
    path("<slug:office>/closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
    path("<slug:office>/members/", views.member_list, name="members"),
    path("<slug:office>/members/<int:pk>/", views.member_detail, name="member"),
    path("<slug:office>/audit/", views.audit_log, name="audit"),
]
