"""Staff hours and the programme's budget, entered by the office's admin on the insights page
(insights/costs.py): counted by their days in a period, refused with a reason when wrong, only
for the office's own admin, audited; in the dashboard's costs and in both Bilanz reports (read
back with pdftotext and compared with hand-computed figures), beside the offices' practice notes."""

import subprocess
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.accounts.audit_words import sentence_of
from schalter.accounts.models import AuditEvent
from schalter.accounts.roles import Role
from schalter.catalog.models import Service
from schalter.insights import actions
from schalter.insights.consent import naming_consent_set
from schalter.insights.cost_figures import CostLine, entered_costs, total_line
from schalter.insights.costs import CostRefused, programme_budget_add, staff_hours_add
from schalter.insights.models import InterpreterDay, ProgrammeBudget, StaffHours
from schalter.insights.rollups import day_rollup
from schalter.knowledge.models import PracticeNote
from schalter.visits import services
from tests.conftest import german
from tests.insights.conftest import MONDAY_9, later, walk_in
from tests.printing.conftest import normalise

DAY = MONDAY_9.date()  # Monday 3 March 2031
PERIOD = f"?first={DAY.isoformat()}&last={DAY.isoformat()}"


def pdf_lines(pdf: bytes) -> list[str]:
    """The PDF's text line by line as laid out (pdftotext -layout), so a table's row reads as
    one line: its label, then its value."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bilanz.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    return [normalise(line) for line in text.splitlines() if line.strip()]


def hours_text(hours: str) -> str:
    return german("%(hours)s h (days entered: %(covered)s of %(days)s)") % {
        "hours": hours, "covered": 1, "days": 1
    }  # fmt: skip


def costs_rows(lines: list[str], start: int = 0) -> list[str]:
    """The seven rows of the first costs table from line `start` on (its header, repeated
    after a page break, left out)."""
    at = lines.index(german("Staff hours and programme budget"), start)
    header = lines[at + 1]
    return [line for line in lines[at + 2 : at + 12] if line != header][:7]


def expected_rows(hours, served, minutes, cost, per_client, budget, used) -> list[str]:
    return [
        f"{german('Staff hours')} {hours_text(hours)}",
        f"{german('Served')} {served}",
        f"{german('Staff minutes per client served')} {minutes}",
        f"{german('Interpreting cost')} {cost}",
        f"{german('Interpreting cost per client served')} {per_client}",
        f"{german('Programme budget')} {budget}",
        f"{german('Interpreting cost against the programme budget')} {used}",
    ]


def served(office, groups, sessions, clients: int) -> None:
    """`clients` walk-ins, each called, served and finished at one desk on DAY."""
    (desk,) = sessions(1)
    for i in range(clients):
        ticket = walk_in(office, groups["A"], later(MONDAY_9, i))
        services.ticket_call_next(
            desk_session=desk, now=later(MONDAY_9, 10 * i + 3), acting_user=COMMAND
        )
        services.ticket_start(
            desk_session=desk, ticket=ticket, now=later(MONDAY_9, 10 * i + 4), acting_user=COMMAND
        )
        services.ticket_finish(
            desk_session=desk,
            ticket=ticket,
            outcome="completed",
            now=later(MONDAY_9, 10 * i + 9),
            acting_user=COMMAND,
        )
    day_rollup(office=office, day=DAY, now=later(MONDAY_9, 240))


def enter(office, *, hours="310", budget="36500.00") -> None:
    """March 2031's hours (31 days) and the budget for 2031 (365 days)."""
    now = timezone.now()
    staff_hours_add(
        office=office,
        first_day=date(2031, 3, 1),
        last_day=date(2031, 3, 31),
        hours=Decimal(hours),
        acting_user=COMMAND,
        now=now,
    )
    programme_budget_add(
        office=office,
        first_day=date(2031, 1, 1),
        last_day=date(2031, 12, 31),
        amount=Decimal(budget),
        acting_user=COMMAND,
        now=now,
    )


def interpreting(office, cost: str) -> None:
    """The day's interpreting as its roll-up has it (insights/part_rollups.py)."""
    InterpreterDay.objects.create(
        office=office, day=DAY, language="fa", mode="on_site", assignments=1, minutes=60,
        cost=Decimal(cost),
    )  # fmt: skip


def test_entered_figures_count_by_their_days_in_the_period(office):
    enter(office)
    # One day of March: 310 h / 31 = 10.0 h; one day of 2031: 36,500 € / 365 = 100.00 €.
    got = entered_costs(office, DAY, DAY)
    assert (got.days, got.staff_hours, got.staff_days) == (1, Decimal("10.0"), 1)
    assert (got.budget, got.budget_days) == (Decimal("100.00"), 1)
    line = CostLine(got, served=4, interpreting=Decimal("25.00"))
    assert line.staff_minutes_per_client == Decimal("150.0")  # 10 h × 60 / 4
    assert line.interpreting_per_client == Decimal("6.25")
    assert line.budget_used == 25.0  # 25 € of 100 €
    # 28 Feb to 3 Mar: hours for 3 of the 4 days only, so no figure per client.
    partial = CostLine(entered_costs(office, date(2031, 2, 28), DAY), 4, Decimal(0))
    assert (partial.entered.staff_hours, partial.entered.staff_days) == (Decimal("30.0"), 3)
    assert partial.staff_minutes_per_client is None and partial.budget_used == 0.0
    # Nothing entered before the programme: no figures, not zeros.
    empty = entered_costs(office, date(2030, 1, 1), date(2030, 1, 31))
    assert empty.staff_hours is None and empty.budget is None
    both = total_line([line, CostLine(empty, 1, Decimal("5.00"))])
    assert (both.entered.staff_hours, both.served, both.interpreting) == (
        Decimal("10.0"), 5, Decimal("30.00")
    )  # fmt: skip
    assert both.staff_minutes_per_client is None  # one office entered nothing


def test_the_admin_enters_hours_and_budget_and_the_lead_reads_them(
    office, groups, sessions, staff_client
):
    admin, lead = staff_client(office, Role.OFFICE_ADMIN), staff_client(office, Role.TEAM_LEAD)
    page = admin.get(f"/staff/{office.slug}/insights/").content.decode()
    assert f'action="/staff/{office.slug}/insights/costs/"' in page
    # Last month is proposed, as a date field shows it (ISO, whatever the language).
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    proposed = BeautifulSoup(page, "html.parser").select_one("#id_hours-first_day")
    assert proposed["value"] == last_month.replace(day=1).isoformat()
    response = admin.post(
        f"/staff/{office.slug}/insights/costs/",
        {
            "kind": "hours",
            "hours-first_day": "2031-03-01",
            "hours-last_day": "2031-03-31",
            "hours-hours": "310",
            "hours-note": "Dienstplan März",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/insights/#costs")
    response = admin.post(
        f"/staff/{office.slug}/insights/costs/",
        {
            "kind": "budget",
            "budget-first_day": "2031-01-01",
            "budget-last_day": "2031-12-31",
            "budget-amount": "36500",
        },
    )
    assert response.status_code == 302
    served(office, groups, sessions, 2)
    interpreting(office, "25.00")
    # The lead sees the figures, not the forms: 10.0 h, 10 h × 60 / 2 clients = 300.0 min,
    # 25 € / 2 = 12.50 €, 100.00 € of the year's budget for the day, 25 € of it = 25.0 %.
    page = lead.get(f"/staff/{office.slug}/insights/{PERIOD}").content.decode()
    assert "/insights/costs/" not in page
    soup = BeautifulSoup(page, "html.parser")
    rows = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in soup.select("#table-costs tbody tr")
    }
    assert rows == {  # in German: "10,0", "25,00 €" (schalter/numbers.py)
        german("Staff hours"): german("%(hours)s h (days entered: %(covered)s of %(days)s)")
        % {"hours": "10,0", "covered": 1, "days": 1},
        german("Served"): "2",
        german("Staff minutes per client served"): "300,0",
        german("Interpreting cost"): "25,00 €",
        german("Interpreting cost per client served"): "12,50 €",
        german("Programme budget"): "100,00 €",
        german("Interpreting cost against the programme budget"): "25,0 %",
    }
    assert "Dienstplan März" in soup.select_one("#cost-entries").get_text()
    lines = pdf_lines(lead.get(f"/staff/{office.slug}/insights/bilanz.pdf{PERIOD}").content)
    assert costs_rows(lines) == expected_rows(
        "10,0", 2, "300,0", "25,00 €", "12,50 €", "100,00 €", "25,0 %"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"hours-hours": "-1"}, "Hours cannot be negative."),
        ({"hours-last_day": "2031-02-01"}, "The end must not be before the start."),
        ({"hours-last_day": "2035-01-01"}, "Choose a period of at most three years."),
        ({"hours-hours": "100000"}, "At most %(most)s hours can be entered for %(days)s days."),
        ({"hours-hours": "12,5x"}, "Enter a number."),
    ],
)
def test_wrong_hours_are_refused_with_a_reason_and_kept(office, staff_client, data, message):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    typed = {
        "kind": "hours",
        "hours-first_day": "2031-03-01",
        "hours-last_day": "2031-03-31",
        "hours-hours": "310",
        "hours-note": "Mein Vermerk",
    }
    body = {**typed, **data} if data else {"kind": "hours"}
    response = admin.post(f"/staff/{office.slug}/insights/costs/", body)
    assert response.status_code == 400
    page = response.content.decode()
    if "%(most)s" in message:
        expected = german(message) % {"most": "74400", "days": 31}  # 31 days × 2,400 h
    elif message in ("This field is required.", "Enter a number."):
        expected = german(message)  # Django's own message, in German
    else:
        expected = german(message)
    assert expected in BeautifulSoup(page, "html.parser").get_text()
    if data:  # what was typed is shown again
        assert 'value="Mein Vermerk"' in page
    assert not StaffHours.objects.exists()


def test_overlapping_periods_and_absurd_budgets_are_refused(office, staff_client):
    enter(office)
    admin = staff_client(office, Role.OFFICE_ADMIN)
    response = admin.post(
        f"/staff/{office.slug}/insights/costs/",
        {
            "kind": "budget",
            "budget-first_day": "2031-12-01",
            "budget-last_day": "2032-11-30",
            "budget-amount": "1000",
        },
    )
    assert response.status_code == 400
    expected = german(
        "Figures for %(first)s to %(last)s are already entered. Withdraw that entry first if "
        "it is wrong."
    ) % {"first": "01.01.2031", "last": "31.12.2031"}
    assert expected in BeautifulSoup(response.content.decode(), "html.parser").get_text()
    with pytest.raises(CostRefused):
        staff_hours_add(
            office=office, first_day=date(2031, 3, 31), last_day=date(2031, 4, 30),
            hours=Decimal(1), acting_user=COMMAND, now=timezone.now(),
        )  # fmt: skip
    for amount in ("-0.01", "100000000.01"):
        with pytest.raises(CostRefused):
            programme_budget_add(
                office=office, first_day=date(2032, 1, 1), last_day=date(2032, 12, 31),
                amount=Decimal(amount), acting_user=COMMAND, now=timezone.now(),
            )  # fmt: skip
    assert StaffHours.objects.count() == ProgrammeBudget.objects.count() == 1
    # Staff hours do not clash with a budget of the same days, nor with another office's.
    staff_hours_add(
        office=office, first_day=date(2031, 4, 1), last_day=date(2031, 4, 30),
        hours=Decimal(0), acting_user=COMMAND, now=timezone.now(),
    )  # fmt: skip


def test_only_the_offices_own_admin_enters_and_withdraws(office, other_office, staff_client):
    enter(office)
    entry = StaffHours.objects.get(office=office)
    body = {
        "kind": "hours",
        "hours-first_day": "2031-04-01",
        "hours-last_day": "2031-04-30",
        "hours-hours": "300",
    }
    url = f"/staff/{office.slug}/insights/costs/"
    withdraw = f"/staff/{office.slug}/insights/costs/hours/{entry.pk}/withdraw/"
    lead = staff_client(office, Role.TEAM_LEAD)
    stranger = staff_client(other_office, Role.OFFICE_ADMIN)
    assert lead.post(url, body).status_code == 403
    assert lead.post(withdraw).status_code == 403
    assert stranger.post(url, body).status_code in (403, 404)
    assert stranger.post(withdraw).status_code in (403, 404)
    # Through her own office's address, the other office's entry is not found.
    own = f"/staff/{other_office.slug}/insights/costs/hours/{entry.pk}/withdraw/"
    assert stranger.post(own).status_code == 404
    assert (
        stranger.post(f"/staff/{other_office.slug}/insights/costs/nothing/1/withdraw/").status_code
        == 404
    )
    assert list(StaffHours.objects.values_list("pk", flat=True)) == [entry.pk]
    admin = staff_client(office, Role.OFFICE_ADMIN)
    assert admin.get(url).status_code == 405
    assert admin.post(withdraw).status_code == 302
    assert not StaffHours.objects.exists()
    # German staff type a decimal comma.
    assert admin.post(url, {**body, "hours-hours": "12,5"}).status_code == 302
    assert StaffHours.objects.get().hours == Decimal("12.5")


def test_every_change_is_audited(office, staff_client):
    admin = staff_client(office, Role.OFFICE_ADMIN)
    admin.post(
        f"/staff/{office.slug}/insights/costs/",
        {
            "kind": "budget",
            "budget-first_day": "2031-01-01",
            "budget-last_day": "2031-12-31",
            "budget-amount": "36500",
        },
    )
    budget = ProgrammeBudget.objects.get()
    admin.post(f"/staff/{office.slug}/insights/costs/budget/{budget.pk}/withdraw/")
    with scopes_disabled():
        events = list(
            AuditEvent.objects.filter(office=office, action__startswith="insights.").order_by("pk")
        )
    assert [e.action for e in events] == [actions.BUDGET_ENTERED, actions.BUDGET_WITHDRAWN]
    assert events[0].data["amount"] == "36500.00" and events[0].actor is not None
    assert events[0].target_id == str(budget.pk)
    assert all(sentence_of(event.action) for event in events)


def test_the_ministrys_bilanz_sums_costs_and_lists_shared_notes_by_label(
    office, other_office, groups, sessions, staff_client, settings
):
    settings.SCHALTER_INSIGHTS_MIN_GROUP = 2
    naming_consent_set(office=other_office, named=True, acting_user=COMMAND, now=timezone.now())
    enter(office)  # 10.0 h and 100.00 € for the day
    enter(other_office, hours="620", budget="73000")  # 20.0 h and 200.00 €
    served(office, groups, sessions, 2)
    interpreting(office, "25.00")
    service = Service.objects.get_or_create(
        slug="card-pick-up", defaults={"name": {"de": "Karte"}}
    )[0]
    with scopes_disabled():
        for where, text, shared in (
            (office, "Vorsprache nur bis 10 Uhr", True),
            (office, "Nur intern", False),
            (other_office, "Nur mit Termin", True),
        ):
            PracticeNote.objects.create(
                office=where, service=service, since=DAY, text=text, shared=shared
            )
    ministry = staff_client(None, Role.MINISTRY)
    lines = pdf_lines(ministry.get(f"/staff/figures/bilanz.pdf{PERIOD}").content)
    hidden = german("fewer than %(minimum)s clients") % {"minimum": 2}
    anonymous = german("Office %(letter)s") % {"letter": "A"}  # the office did not consent
    darmstadt = other_office.name_in("de")
    assert not any(office.name_in("de") in line for line in lines)
    # All offices first: 30.0 h, 2 clients, 30 h × 60 / 2 = 900.0 min, 25 € of 300 € = 8.3 %.
    assert costs_rows(lines) == expected_rows(
        "30,0", 2, "900,0", "25,00 €", "12,50 €", "300,00 €", "8,3 %"
    )
    # Then each office's section under its label, with its shared notes.
    office_a, named = lines.index(anonymous), lines.index(darmstadt)
    assert costs_rows(lines, office_a) == expected_rows(
        "10,0", 2, "300,0", "25,00 €", "12,50 €", "100,00 €", "25,0 %"
    )
    # Nobody served there: the figures made of its clients are suppressed.
    assert costs_rows(lines, named) == expected_rows(
        "20,0", hidden, hidden, "0,00 €", hidden, "200,00 €", "0,0 %"
    )
    day, name = DAY.strftime("%d.%m.%Y"), service.name_in("de")
    assert f"{day} {name} Vorsprache nur bis 10 Uhr" in lines[office_a:named]
    assert f"{day} {name} Nur mit Termin" in lines[named:]
    assert not any("Nur intern" in line for line in lines)  # not shared with the others


def test_the_offices_bilanz_lists_all_its_notes_of_the_period(office, staff_client):
    service = Service.objects.get_or_create(
        slug="card-pick-up", defaults={"name": {"de": "Karte"}}
    )[0]
    with scopes_disabled():
        for since, text, shared in (
            (DAY, "Vorsprache nur bis 10 Uhr", True),
            (DAY, "Nur intern", False),
            (DAY - timedelta(days=40), "Alte Notiz", True),
        ):
            PracticeNote.objects.create(
                office=office, service=service, since=since, text=text, shared=shared
            )
    lead = staff_client(office, Role.TEAM_LEAD)
    lines = pdf_lines(lead.get(f"/staff/{office.slug}/insights/bilanz.pdf{PERIOD}").content)
    at = lines.index(german("Practice notes"))
    day, name = DAY.strftime("%d.%m.%Y"), service.name_in("de")
    assert lines[at + 2 : at + 4] == [
        f"{day} {name} Vorsprache nur bis 10 Uhr",
        f"{day} {name} Nur intern",  # its own notes, shared or not
    ]
    assert not any("Alte Notiz" in line for line in lines)  # before the period
