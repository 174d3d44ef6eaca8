"""Set-up the fault tests run in a Django process of their own, on their own cluster:
`python -m tests.faults.scenario seed book:a@example.org ...`, one JSON line per command; with
`-` it reads one command per line from stdin (one Django start for many commands)."""

import json
import sys
from datetime import time

import django

state: dict = {}


def run(command: str) -> dict:
    from django.contrib.auth.models import User
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from schalter.accounts.actors import CLIENT, COMMAND
    from schalter.accounts.roles import Role
    from schalter.accounts.services import membership_grant, staff_user_create
    from schalter.catalog.models import Service
    from schalter.offices.models import Desk, Office
    from schalter.offices.services import opening_hours_set
    from schalter.visits import services as visits
    from schalter.visits.models import ServiceGroup, Ticket, TicketState
    from tests.conftest import PASSWORD, book_earliest_by_phone, build_office, make_bookable

    name, _, argument = command.partition(":")
    if name == "seed":
        with scopes_disabled():
            office = Office.objects.filter(slug="giessen").first() or build_office("giessen")
        bookable = make_bookable(office, capacity_online=3, days=28)
        return {"office": office.slug, "service": bookable["short"].pk}
    if name == "book":  # as staff would for a caller: confirmed, a mail queued
        with scopes_disabled():
            office = Office.objects.get(slug="giessen")
            service = Service.objects.get(slug="card-pick-up")
        appointment = book_earliest_by_phone(
            office, service, name="Fault Test", email=argument, language="de"
        )
        return {"code": appointment.code, "id": appointment.pk}
    if name == "display":  # an office of its own, open around the clock, a screen, a desk taken
        with scopes_disabled():
            office = Office.objects.filter(slug="wetzlar").first()
        if office is None:
            office = build_office("wetzlar", desks=1)
            opening_hours_set(
                office=office,
                weekly={d: [(time(0, 0), time(23, 59))] for d in range(7)},
                acting_user=COMMAND,
            )
            with scopes_disabled():
                Desk.objects.get(office=office).services.clear()
            visits.service_group_create(
                office=office, name={"de": "Abholung"}, prefix="A", services=[],
                acting_user=COMMAND,
            )  # fmt: skip
            visits.screen_create(office=office, name="Alle", public_id="alle", acting_user=COMMAND)
            user = staff_user_create(username="caller", password=PASSWORD, acting_user=COMMAND)
            membership_grant(user=user, office=office, role=Role.CASEWORKER, acting_user=COMMAND)
        with scopes_disabled():
            desk = Desk.objects.get(office=office)
            user = User.objects.get(username="caller")
            state["called"] = Ticket.objects.filter(desk=desk, state=TicketState.CALLED).first()
            if state["called"] is None:
                del state["called"]
            state["group"] = ServiceGroup.objects.get(office=office)
        session = visits.desk_session_open(
            office=office, desk=desk, user=user, now=timezone.now(), acting_user=user
        )
        state.update(office=office, session=session, user=user)
        return {"office": office.slug, "screen": "alle"}
    if name == "call":  # a walk-in ticket, called at the desk at once (the last one gone)
        now = timezone.now()
        if "called" in state:
            visits.ticket_no_show(
                desk_session=state["session"], ticket=state.pop("called"), now=now,
                acting_user=state["user"],
            )  # fmt: skip
        ticket = visits.ticket_issue_walk_in(
            office=state["office"], group=state["group"], now=now, acting_user=CLIENT
        ).ticket
        called = visits.ticket_call_next(
            desk_session=state["session"], now=now, acting_user=state["user"]
        )
        assert called is not None and called.pk == ticket.pk
        state["called"] = called
        return {"code": ticket.code}
    raise SystemExit(f"unknown command {command}")


def main(commands: list[str]) -> None:
    django.setup()
    lines = sys.stdin if commands == ["-"] else commands
    for line in lines:
        print(json.dumps(run(line.strip())), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
