"""An upgrade from the release issue 11 starts from: the topology's database is
tests/fixtures/schalter-c031af7.sql.gz (that commit's schema and demo data) restored and brought
up to date by today's `migrate` (conftest.py). Its data is all there and its pages render."""

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

# What seed_demo gave every demo login at c031af7 (kept in the fixture as a password hash).
DEMO_PASSWORD = "schalter-demo-2026"


def test_migrate_kept_every_row_of_the_old_release(topology):
    before, after = topology.counts_before_migrate, topology.counts_after_migrate
    assert before["offices"] == 6 and before["appointments"] == 30
    assert before["services"] > 0 and before["seats"] > 0 and before["second_factors"] > 0
    assert after == before


def test_the_old_offices_and_services_render(topology):
    offices = {slug for (slug,) in topology.query("SELECT slug FROM offices_office")}
    assert len(offices - {topology.seeded["office"]}) == 6
    services = topology.query(
        "SELECT s.slug FROM catalog_service s JOIN appointments_officeservice os "
        "ON os.service_id = s.id JOIN offices_office o ON o.id = os.office_id "
        "WHERE o.slug = 'giessen' ORDER BY s.slug LIMIT 3"
    )
    assert services
    with topology.http() as http:
        for slug in sorted(offices):
            for language in ("de", "ar"):
                response = http.get(f"/{language}/{slug}/")
                assert response.status_code == 200, (slug, language)
        for (service,) in services:
            assert http.get(f"/en/giessen/services/{service}/").status_code == 200
            assert http.get(f"/de/giessen/book/{service}/").status_code == 200
        listed = http.get("/api/v1/offices").json()
    listed_slugs = {o["slug"] for o in (listed["items"] if isinstance(listed, dict) else listed)}
    assert offices <= listed_slugs


@pytest.mark.parametrize("username", ["giessen.admin"])
def test_old_staff_sign_in_with_their_second_factor_and_see_old_appointments(
    topology, new_page, username
):
    [(key_hex,)] = topology.query(
        "SELECT d.key FROM otp_totp_totpdevice d JOIN auth_user u ON u.id = d.user_id "
        "WHERE u.username = %s AND d.confirmed",
        username,
    )
    [(code, day)] = topology.query(
        "SELECT a.code, (a.start AT TIME ZONE 'Europe/Berlin')::date FROM "
        "appointments_appointment a JOIN offices_office o ON o.id = a.office_id "
        "WHERE o.slug = 'giessen' ORDER BY a.start, a.code LIMIT 1"
    )
    page = new_page(locale="de-DE")
    path = f"/staff/giessen/appointments/?day={day.isoformat()}"
    page.goto(topology.origin + path)
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button").filter(has_text="Weiter").click()
    page.wait_for_url("**/staff/login/code/")
    page.locator("#id_code").fill(f"{TOTP(bytes.fromhex(key_hex)).token():06d}")
    page.locator("#id_code").press("Enter")
    page.wait_for_url(f"**{path}")
    expect(page.get_by_role("link", name=code)).to_be_visible()
