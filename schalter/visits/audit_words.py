"""The visits app's audit actions in words (accounts/audit_words.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import register

for action, template in {
    "visits.ticket.issued": _("%(actor)s issued ticket %(code)s"),
    "visits.ticket.checked_in": _("%(actor)s checked in ticket %(code)s for an appointment"),
    "visits.ticket.called": _("%(actor)s called ticket %(code)s to desk %(desk)s"),
    "visits.ticket.recalled": _("%(actor)s called ticket %(code)s again"),
    "visits.ticket.started": _("%(actor)s started serving ticket %(code)s"),
    "visits.ticket.finished": _("%(actor)s finished ticket %(code)s"),
    "visits.ticket.parked": _("%(actor)s parked ticket %(code)s"),
    "visits.ticket.no_show": _("%(actor)s marked ticket %(code)s as not come"),
    "visits.ticket.transferred": _("%(actor)s sent ticket %(code)s on"),
    "visits.ticket.noted": _("%(actor)s wrote a note on ticket %(code)s"),
    "visits.ticket.notified": _("Ticket %(code)s was told its turn is near"),
    "visits.ticket.notify_set": _("%(actor)s asked to be told when ticket %(code)s is near"),
    "visits.ticket.notify_withdrawn": _("%(actor)s withdrew the message for ticket %(code)s"),
    "visits.desk.taken": _("%(actor)s took desk %(desk)s"),
    "visits.desk.left": _("%(actor)s left the desk"),
}.items():
    register(action, template)

register("visits.group.created", _("%(actor)s created queue %(prefix)s"), url_name="staff:group")
register("visits.group.updated", _("%(actor)s changed queue %(prefix)s"), url_name="staff:group")
register("visits.kiosk.created", _("%(actor)s set up a kiosk"), url_name="staff:kiosk")
register("visits.kiosk.updated", _("%(actor)s changed a kiosk"), url_name="staff:kiosk")
register("visits.kiosk.key_renewed", _("%(actor)s renewed a kiosk's key"), url_name="staff:kiosk")
register("visits.screen.created", _("%(actor)s set up a call display"), url_name="staff:screen")
register("visits.screen.updated", _("%(actor)s changed a call display"), url_name="staff:screen")
