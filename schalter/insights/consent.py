"""Whether an office is named where offices are compared: off by default, switched by the
office's admin, every change audited (docs/insights.md, "Comparison")."""

from datetime import datetime

from django.db import transaction

from schalter.accounts.actors import Actor
from schalter.accounts.services import audit_record
from schalter.insights import actions
from schalter.insights.models import NamingConsent
from schalter.offices.models import Office


def naming_consent_set(
    *, office: Office, named: bool, acting_user: Actor, now: datetime
) -> NamingConsent:
    """Agree to be named (True) or withdraw (False); a change to the same value records
    nothing."""
    with transaction.atomic():
        consent, created = NamingConsent.objects.select_for_update().get_or_create(
            office=office, defaults={"named": False, "changed_at": now}
        )
        if consent.named == named and not (created and named):
            return consent
        consent.named = named
        consent.changed_at = now
        consent.save(update_fields=["named", "changed_at"])
        audit_record(
            office=office,
            acting_user=acting_user,
            action=actions.NAMING_CONSENTED if named else actions.NAMING_WITHDRAWN,
            target=office,
        )
    return consent
