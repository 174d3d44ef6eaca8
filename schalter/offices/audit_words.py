"""The offices app's audit actions in words (accounts/audit_words.py)."""

from django.utils.translation import gettext_lazy as _

from schalter.accounts.audit_words import register
from schalter.offices import audit_actions as actions

register(actions.CREATED, _("%(actor)s created the office"))
register(actions.DETAILS_UPDATED, _("%(actor)s changed the office's address and contacts"))
register(actions.LOGO_SET, _("%(actor)s uploaded a new logo"))
register(actions.LOGO_REMOVED, _("%(actor)s removed the logo"))
register(actions.SUSPENDED, _("%(actor)s suspended the office"))
register(actions.RESUMED, _("%(actor)s resumed the office"))
register(actions.FIRST_ADMIN_ASSIGNED, _("%(actor)s made %(user)s the office's first admin"))
register(actions.HOURS_SET, _("%(actor)s changed the opening hours"))
register(actions.SPECIAL_HOURS_SET, _("%(actor)s set special opening hours for %(day)s"))
register(actions.SPECIAL_HOURS_REMOVED, _("%(actor)s removed the special hours of %(day)s"))
register(actions.CLOSURE_ADDED, _("%(actor)s added a closure from %(first_day)s to %(last_day)s"))
register(actions.CLOSURE_REMOVED, _("%(actor)s removed the closure from %(first_day)s"))
register(actions.LOCATION_CREATED, _("%(actor)s added a building"), url_name="staff:location")
register(actions.DESK_CREATED, _("%(actor)s set up desk %(number)s"), url_name="staff:desk")
register(actions.DESK_UPDATED, _("%(actor)s changed a desk"), url_name="staff:desk")
register(actions.PART_SWITCHED_ON, _("%(actor)s switched on %(part)s"))
register(actions.PART_SWITCHED_OFF, _("%(actor)s switched off %(part)s"))
register(actions.AUDIT_EXPORTED, _("%(actor)s exported the audit log"))
