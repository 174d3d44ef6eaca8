from django.urls import path

from schalter.public import (
    booking_views,
    callback_views,
    insights_views,
    interpreter_views,
    kiosk_views,
    print_views,
    queue_views,
    service_views,
    ticket_print_views,
    views,
)

app_name = "public"
BOOK = "<slug:office>/book/"
urlpatterns = [
    path("", views.office_chooser, name="offices"),
    path("help/", views.help_page, name="help"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    # The interpreter's own view (issue 15), before the office slug it would otherwise match.
    path("interpreter/", interpreter_views.home, name="interpreter"),
    path("interpreter/sign-in/<str:token>/", interpreter_views.sign_in, name="interpreter_sign_in"),
    path("interpreter/sign-out/", interpreter_views.sign_out, name="interpreter_sign_out"),
    path("interpreter/<int:pk>/answer/", interpreter_views.answer, name="interpreter_answer"),
    path("interpreter/<int:pk>/report/", interpreter_views.report, name="interpreter_report"),
    path("<slug:office>/", views.office_home, name="office"),
    path("<slug:office>/first-visit/", service_views.first_visit, name="first_visit"),
    path("<slug:office>/services/<slug:service>/", service_views.service_page, name="service"),
    path("<slug:office>/flyer.pdf", print_views.office_flyer, name="office_flyer"),
    path(
        "<slug:office>/services/<slug:service>/flyer.pdf",
        print_views.service_flyer,
        name="service_flyer",
    ),
    path("<slug:office>/ticket/<str:token>/", kiosk_views.ticket_live, name="ticket"),
    # Insights (issue 17): the survey after a finished visit
    path("<slug:office>/feedback/<str:token>/", insights_views.feedback, name="feedback"),
    path(
        "<slug:office>/ticket/<str:token>/notify/",
        kiosk_views.ticket_notify,
        name="ticket_notify",
    ),
    path("<slug:office>/queue/", queue_views.queue_status, name="queue"),
    path(
        "<slug:office>/ticket/<str:token>/ticket.pdf",
        ticket_print_views.ticket_pdf,
        name="ticket_pdf",
    ),
    path(
        "<slug:office>/ticket/<str:token>/ticket.escpos",
        ticket_print_views.ticket_escpos,
        name="ticket_escpos",
    ),
    path(BOOK, booking_views.book_start, name="book"),
    path(BOOK + "sent/<str:code>/", booking_views.book_sent, name="book_sent"),
    path(BOOK + "confirm/<str:code>/<str:token>/", booking_views.confirm, name="booking_confirm"),
    path(BOOK + "manage/<str:code>/<str:token>/", booking_views.manage, name="booking_manage"),
    path(BOOK + "move/<str:code>/<str:token>/", booking_views.move, name="booking_move"),
    path(
        BOOK + "calendar/<str:code>/<str:token>/termin.ics",
        booking_views.calendar_file,
        name="booking_calendar",
    ),
    path(BOOK + "<slug:service>/", booking_views.book_service, name="book_service"),
    path(BOOK + "<slug:service>/waitlist/", booking_views.waitlist_join, name="waitlist_join"),
    path(BOOK + "<slug:service>/<str:start>/", booking_views.book_details, name="book_details"),
    # Callback requests (callbacks part)
    path("<slug:office>/callback/", callback_views.callback_request_page, name="callback_request"),
    path(
        "<slug:office>/callback/<str:token>/",
        callback_views.callback_status,
        name="callback_status",
    ),
    path(
        "<slug:office>/callback/<str:token>/withdraw/",
        callback_views.callback_withdraw_page,
        name="callback_withdraw",
    ),
]
