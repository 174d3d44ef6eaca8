from django.urls import path

from schalter.staff import (
    appointment_views,
    auth_views,
    content_views,
    insights_views,
    members_views,
    parts_views,
    planning_views,
    privacy_views,
    queue_setup_views,
    screen_views,
    views,
    visit_views,
    waitlist_views,
)

app_name = "staff"
urlpatterns = [
    path("login/", auth_views.login_password, name="login"),
    path("login/code/", auth_views.login_code, name="login_code"),
    path("login/setup/", auth_views.login_setup, name="login_setup"),
    path("logout/", auth_views.logout, name="logout"),
    # Account links and the staff language (issue 13, members_views.py); before the office
    # slugs, so "link" and "language" are no office's slug.
    path("link/", members_views.account_link, name="account_link"),
    path("language/", members_views.staff_language, name="language"),
    path("", views.home, name="home"),
    path("figures/", views.figures, name="figures"),
    path("<slug:office>/", views.office_overview, name="office"),
    path("<slug:office>/desks/", views.desk_list, name="desks"),
    path("<slug:office>/desks/<int:pk>/", views.desk_edit, name="desk"),
    path("<slug:office>/locations/<int:pk>/", views.location_detail, name="location"),
    path("<slug:office>/closures/", views.closure_list, name="closures"),
    path("<slug:office>/parts/", parts_views.parts, name="parts"),
    path("<slug:office>/closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
    path("<slug:office>/queues/", queue_setup_views.queue_setup, name="queue_setup"),
    path("<slug:office>/queues/new/", queue_setup_views.group_create, name="group_create"),
    path("<slug:office>/queues/<int:pk>/", queue_setup_views.group_edit, name="group"),
    path("<slug:office>/kiosks/new/", queue_setup_views.kiosk_create, name="kiosk_create"),
    path("<slug:office>/kiosks/<int:pk>/", queue_setup_views.kiosk_edit, name="kiosk"),
    path("<slug:office>/screens/", screen_views.screen_list, name="screens"),
    path("<slug:office>/screens/new/", screen_views.screen_create, name="screen_create"),
    path("<slug:office>/screens/<int:pk>/", screen_views.screen_edit, name="screen"),
    path("<slug:office>/notices/", screen_views.notice_list, name="notices"),
    path("<slug:office>/notices/new/", screen_views.notice_create, name="notice_create"),
    path("<slug:office>/notices/<int:pk>/", screen_views.notice_edit, name="notice"),
    path(
        "<slug:office>/notices/<int:pk>/delete/", screen_views.notice_delete, name="notice_delete"
    ),
    # Staff and roles, account links, the staff language (issue 13, members_views.py).
    path("<slug:office>/members/", members_views.member_list, name="members"),
    path("<slug:office>/members/invite/", members_views.member_invite, name="member_invite"),
    path("<slug:office>/members/<int:pk>/", members_views.member_detail, name="member"),
    path("<slug:office>/audit/", views.audit_log, name="audit"),
    path("<slug:office>/privacy/", privacy_views.privacy, name="privacy"),
    path("<slug:office>/content/", content_views.content_list, name="content"),
    path("<slug:office>/content/export.po", content_views.content_export, name="content_export"),
    path("<slug:office>/content/import/", content_views.content_import, name="content_import"),
    path(
        "<slug:office>/content/<str:kind>/<int:pk>/<str:field>/",
        content_views.content_text,
        name="content_text",
    ),
    path("<slug:office>/appointments/", appointment_views.calendar_day, name="appointments"),
    path(
        "<slug:office>/appointments/week/",
        appointment_views.calendar_week,
        name="appointment_week",
    ),
    path(
        "<slug:office>/appointments/book/",
        appointment_views.appointment_book,
        name="appointment_book",
    ),
    path(
        "<slug:office>/appointments/<int:pk>/",
        appointment_views.appointment_detail,
        name="appointment",
    ),
    path(
        "<slug:office>/appointments/blocks/",
        appointment_views.time_blocks,
        name="appointment_blocks",
    ),
    path(
        "<slug:office>/appointments/blocks/<int:pk>/delete/",
        appointment_views.time_block_delete,
        name="appointment_block_delete",
    ),
    path(
        "<slug:office>/appointments/cancel-day/",
        appointment_views.mass_cancellation,
        name="appointment_mass_cancel",
    ),
    path(
        "<slug:office>/appointments/conflicts/",
        appointment_views.conflicts,
        name="appointment_conflicts",
    ),
    path(
        "<slug:office>/appointments/rules/<int:pk>/",
        appointment_views.availability_rule,
        name="availability_rule",
    ),
    path("<slug:office>/desk/", visit_views.desk_workspace, name="visit_desk"),
    path("<slug:office>/queue/", visit_views.queue_dashboard, name="visit_queue"),
    path("<slug:office>/waitlist/", waitlist_views.waitlist_list, name="waitlist"),
    path("<slug:office>/waitlist/offer/", waitlist_views.waitlist_offer_now, name="waitlist_offer"),
    path(
        "<slug:office>/waitlist/<int:pk>/update/",
        waitlist_views.waitlist_entry,
        name="waitlist_entry_update",
    ),
    # Planning (issue 18)
    path("<slug:office>/planning/", planning_views.planning, name="planning"),
    # Insights (issue 17)
    path("figures/offices.<slug:kind>", insights_views.figures_export, name="figures_export"),
    path("<slug:office>/insights/", insights_views.insights, name="insights"),
    path("<slug:office>/insights/export/", insights_views.insights_export, name="insights_export"),
]
