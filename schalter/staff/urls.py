from django.urls import path

from schalter.staff import (
    appointment_views,
    audit_views,
    auth_views,
    callback_settings_views,
    callback_views,
    content_views,
    insights_views,
    interpreter_views,
    knowledge_views,
    members_views,
    office_admin_views,
    operator_views,
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
    # The operator's pages (issue 13); "installation" is a reserved office slug.
    path("installation/", operator_views.installation, name="installation"),
    path(
        "installation/offices/new/",
        operator_views.office_create,
        name="installation_office_create",
    ),
    path(
        "installation/offices/<slug:slug>/",
        operator_views.office_detail,
        name="installation_office",
    ),
    path(
        "installation/offices/<slug:slug>/suspension/",
        operator_views.office_suspension,
        name="installation_office_suspension",
    ),
    path("installation/catalogue/", operator_views.catalogue, name="installation_catalogue"),
    path(
        "installation/catalogue/<int:service>/<str:field>/",
        operator_views.catalogue_text,
        name="installation_catalogue_text",
    ),
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
    path(
        "<slug:office>/members/invitations/<int:pk>/withdraw/",
        members_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<slug:office>/audit/", audit_views.audit_log, name="audit"),
    path("<slug:office>/audit/export.csv", audit_views.audit_export, name="audit_export"),
    path("<slug:office>/settings/", office_admin_views.office_settings, name="office_settings"),
    path("<slug:office>/settings/logo/", office_admin_views.office_logo, name="office_logo"),
    path("<slug:office>/hours/", office_admin_views.hours, name="hours"),
    path(
        "<slug:office>/hours/special/<int:pk>/delete/",
        office_admin_views.special_hours_delete,
        name="special_hours_delete",
    ),
    path("<slug:office>/privacy/", privacy_views.privacy, name="privacy"),
    path("<slug:office>/privacy/retention/", privacy_views.retention, name="retention"),
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
    path("<slug:office>/planning/plans/", planning_views.planning_plans, name="planning_plans"),
    path("<slug:office>/planning/apply/", planning_views.planning_apply, name="planning_apply"),
    # Interpreters (issue 15)
    path("<slug:office>/interpreters/", interpreter_views.overview, name="interpreters"),
    path(
        "<slug:office>/interpreters/<int:pk>/mode/",
        interpreter_views.switch_mode,
        name="interpreter_mode_update",
    ),
    path(
        "<slug:office>/interpreters/costs.csv",
        interpreter_views.costs,
        {"kind": "csv"},
        name="interpreter_costs_csv",
    ),
    path(
        "<slug:office>/interpreters/costs.xlsx",
        interpreter_views.costs,
        {"kind": "xlsx"},
        name="interpreter_costs_xlsx",
    ),
    path(
        "<slug:office>/interpreters/<int:pk>/statement.pdf",
        interpreter_views.statement,
        name="interpreter_statement",
    ),
    path("<slug:office>/interpreters/pool/", interpreter_views.pool, name="interpreter_pool"),
    path(
        "<slug:office>/interpreters/pool/<int:pk>/",
        interpreter_views.pool_member,
        name="interpreter_pool_member",
    ),
    path(
        "<slug:office>/interpreters/budget/",
        interpreter_views.budget,
        name="interpreter_budget_update",
    ),
    path(
        "<slug:office>/interpreters/callback/<int:pk>/",
        interpreter_views.callback_request,
        name="interpreter_callback_request",
    ),
    # Knowledge base (issue 16)
    path("<slug:office>/knowledge/", knowledge_views.knowledge_index, name="knowledge"),
    path("<slug:office>/knowledge/new/", knowledge_views.knowledge_new, name="knowledge_new"),
    path(
        "<slug:office>/knowledge/reading/",
        knowledge_views.knowledge_reading,
        name="knowledge_reading",
    ),
    path("<slug:office>/knowledge/notes/", knowledge_views.knowledge_notes, name="knowledge_notes"),
    path(
        "<slug:office>/knowledge/notes/new/",
        knowledge_views.knowledge_note_create,
        name="knowledge_note_create",
    ),
    path(
        "<slug:office>/knowledge/services/<int:service>/",
        knowledge_views.knowledge_others,
        name="knowledge_others",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/",
        knowledge_views.knowledge_article,
        name="knowledge_article",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/edit/",
        knowledge_views.knowledge_edit,
        name="knowledge_edit",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/submit/",
        knowledge_views.knowledge_submit,
        name="knowledge_submit",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/revisions/<int:revision>/",
        knowledge_views.knowledge_revision,
        name="knowledge_revision",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/revisions/<int:revision>/approve/",
        knowledge_views.knowledge_approve,
        name="knowledge_approve",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/compare/",
        knowledge_views.knowledge_compare,
        name="knowledge_compare",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/read/",
        knowledge_views.knowledge_read,
        name="knowledge_read",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/adopt/",
        knowledge_views.knowledge_adopt,
        name="knowledge_adopt",
    ),
    path(
        "<slug:office>/knowledge/<int:article>/comment/",
        knowledge_views.knowledge_comment,
        name="knowledge_comment",
    ),
    # Callbacks (callbacks part)
    path("<slug:office>/callbacks/", callback_views.callbacks, name="callbacks"),
    path("<slug:office>/callbacks/<int:pk>/", callback_views.callback, name="callback"),
    path(
        "<slug:office>/callbacks/<int:pk>/audio/",
        callback_views.callback_audio,
        name="callback_audio",
    ),
    path(
        "<slug:office>/callbacks/<int:pk>/claim/",
        callback_views.callback_claim_view,
        name="callback_claim",
    ),
    path(
        "<slug:office>/callbacks/<int:pk>/release/",
        callback_views.callback_release_view,
        name="callback_release",
    ),
    path(
        "<slug:office>/callbacks/<int:pk>/attempt/",
        callback_views.callback_attempt,
        name="callback_attempt",
    ),
    path(
        "<slug:office>/callbacks/<int:pk>/book/",
        callback_views.callback_book,
        name="callback_book",
    ),
    # Callback settings (callbacks part): rules, mailboxes, patterns, for the office admin
    path(
        "<slug:office>/callbacks/settings/",
        callback_settings_views.callback_settings,
        name="callback_settings",
    ),
    path(
        "<slug:office>/callbacks/settings/mailboxes/new/",
        callback_settings_views.callback_mailbox_new,
        name="callback_mailbox_new",
    ),
    path(
        "<slug:office>/callbacks/settings/mailboxes/<int:pk>/",
        callback_settings_views.callback_mailbox,
        name="callback_mailbox",
    ),
    path(
        "<slug:office>/callbacks/settings/patterns/new/",
        callback_settings_views.callback_pattern_new,
        name="callback_pattern_new",
    ),
    path(
        "<slug:office>/callbacks/settings/patterns/<int:pk>/",
        callback_settings_views.callback_pattern,
        name="callback_pattern",
    ),
    # Insights (issue 17)
    path("figures/offices.<slug:kind>", insights_views.figures_export, name="figures_export"),
    path("<slug:office>/insights/", insights_views.insights, name="insights"),
    path("<slug:office>/insights/export/", insights_views.insights_export, name="insights_export"),
    path("<slug:office>/insights/naming/", insights_views.insights_naming, name="insights_naming"),
    path(
        "<slug:office>/insights/bilanz.pdf", insights_views.insights_bilanz, name="insights_bilanz"
    ),
    path("figures/bilanz.pdf", insights_views.figures_bilanz, name="figures_bilanz"),
    # The Bilanz's costs: staff hours and programme budget, entered by the office's admin.
    path("<slug:office>/insights/costs/", insights_views.insights_costs, name="insights_costs"),
    path(
        "<slug:office>/insights/costs/<slug:kind>/<int:pk>/withdraw/",
        insights_views.insights_cost_delete,
        name="insights_cost_delete",
    ),
]
