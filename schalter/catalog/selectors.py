"""Reads of the catalogue as one office shows it: the shared texts with the office's own wording."""

import re
from collections.abc import Iterable

from django_scopes import scope

from schalter.catalog.models import Service, ServiceTextOverride
from schalter.offices.models import Office

DOCUMENT_FIELD = re.compile(r"^documents\.(\d{1,3})$")
WORDED_FIELDS = ("name", "summary", "audience")  # and "documents.<n>"


def overrides_of(office: Office) -> dict[tuple[int, str], ServiceTextOverride]:
    """The office's own wordings, by (service id, field)."""
    with scope(office=office):
        return {
            (override.service_id, override.field): override
            for override in ServiceTextOverride.objects.filter(office=office)
        }


def office_wording_apply(office: Office, services: Iterable[Service]) -> None:
    """Put the office's own wording on these services, in memory, for its pages; one query.
    The copies refuse to be saved (`Service.save`)."""
    by_pk = {service.pk: service for service in services}
    if not by_pk:
        return
    with scope(office=office):
        overrides = list(
            ServiceTextOverride.objects.filter(office=office, service_id__in=list(by_pk))
        )
    for override in overrides:
        service = by_pk[override.service_id]
        if service_text_put(service, override.field, override.texts):
            service.worded_for = office.pk  # type: ignore[attr-defined]


def service_text_put(service: Service, field: str, texts: dict[str, str]) -> bool:
    """Set one text of the service (not saved); False when the service has no such field (a
    document since removed from the shared checklist)."""
    match = DOCUMENT_FIELD.match(field)
    if match:
        index = int(match.group(1))
        documents = list(service.documents or [])
        if index >= len(documents):
            return False
        documents[index] = dict(texts)
        service.documents = documents
        return True
    if field not in WORDED_FIELDS:
        return False
    setattr(service, field, dict(texts))
    return True
