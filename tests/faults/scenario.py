"""Set-up the fault tests run in a Django process of their own, on their own cluster:
`python -m tests.faults.scenario seed book:a@example.org ...`, one JSON line per command."""

import json
import sys

import django


def main(commands: list[str]) -> None:
    django.setup()
    from django_scopes import scopes_disabled

    from schalter.catalog.models import Service
    from schalter.offices.models import Office
    from tests.conftest import book_earliest_by_phone, build_office, make_bookable

    for command in commands:
        name, _, argument = command.partition(":")
        if name == "seed":
            with scopes_disabled():
                office = Office.objects.filter(slug="giessen").first() or build_office("giessen")
            bookable = make_bookable(office, capacity_online=3, days=28)
            print(json.dumps({"office": office.slug, "service": bookable["short"].pk}))
        elif name == "book":  # as staff would for a caller: confirmed, a mail queued
            with scopes_disabled():
                office = Office.objects.get(slug="giessen")
                service = Service.objects.get(slug="card-pick-up")
            appointment = book_earliest_by_phone(
                office, service, name="Fault Test", email=argument, language="de"
            )
            print(json.dumps({"code": appointment.code, "id": appointment.pk}))
        else:
            raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
