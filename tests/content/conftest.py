import pytest
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.appointments import services as booking
from schalter.catalog.models import Service


@pytest.fixture
def permit(office) -> Service:
    """A catalogue service the office offers, with German and a few translations."""
    service = Service.objects.create(
        slug="residence-permit",
        name={"de": "Aufenthaltserlaubnis", "en": "Residence permit", "tr": "Oturum izni"},
        summary={"de": "Sie brauchen eine Erlaubnis.", "ar": "تحتاج إلى تصريح."},
        documents=[{"de": "Reisepass", "en": "Passport"}, {"de": "Foto"}],
    )
    with scopes_disabled():
        booking.office_service_set(
            office=office, service=service, duration_minutes=30, acting_user=COMMAND
        )
    return service
