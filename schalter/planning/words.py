"""A plan in the staff's words: the optimiser's `Plan.describe` is for logs and the audit; the
planning pages say it in the staff's language, with the services' names."""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from schalter.planning.optimiser import Plan


def plan_words(plan: Plan, names: Mapping[str, str]) -> str:
    """Per service (by name): slot length, seats per slot booked online, and what differs
    from the plain plan; services separated by semicolons."""
    parts = []
    for key, p in sorted(plan.services.items(), key=lambda item: names.get(item[0], item[0])):
        words = [
            _("%(service)s: %(minutes)s-minute slots, %(seats)s per slot bookable online")
            % {
                "service": names.get(key, key),
                "minutes": p.slot_minutes,
                "seats": p.appointment_desks,
            }
        ]
        if p.from_minute:
            words.append(_("from minute %(minute)s after opening") % {"minute": p.from_minute})
        if p.opening_double:
            words.append(_("two bookings in the first slot"))
        if p.reserve:
            words.append(_("%(count)s per slot kept back") % {"count": p.reserve})
        if p.peak_until_minute is not None:
            words.append(
                _("before minute %(minute)s only %(seats)s online")
                % {"minute": p.peak_until_minute, "seats": p.peak_seats}
            )
        parts.append(", ".join(words))
    return "; ".join(parts)
