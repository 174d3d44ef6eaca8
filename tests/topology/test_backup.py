"""Backup and restore as docs/deployment.md describes them: `pg_dump` of the live database (after
the browser flows, so it holds their booking), `pg_restore` into a fresh database, and an app
server on the restored copy serving the booking at the link from her mail."""

import subprocess

import httpx

from tests.topology.conftest import FORWARDED, database_url, pg_bin, table_counts


def test_pg_dump_and_restore_keep_the_booking_and_its_link(topology):
    booked = topology.booked
    assert "manage_url" in booked, "runs after test_flows.py's booking"
    dump = topology.folder / "schalter.dump"
    subprocess.run(
        [str(pg_bin() / "pg_dump"), "--format=custom", "--no-owner", "--file", str(dump),
         "--dbname", topology.database_url],
        check=True, capture_output=True,
    )  # fmt: skip
    topology.query("CREATE DATABASE restored")
    restored = database_url(topology.cluster_url, "restored")
    subprocess.run(
        [str(pg_bin() / "pg_restore"), "--no-owner", "--exit-on-error", "--dbname", restored,
         str(dump)],
        check=True, capture_output=True,
    )  # fmt: skip

    assert table_counts(restored) == table_counts(topology.database_url)
    assert topology.query(
        "SELECT name, status FROM appointments_appointment WHERE code = %s",
        booked["code"],
        database="restored",
    ) == [("Lena Schmidt", "confirmed")]

    base = topology.wsgi_server("restored-wsgi", DATABASE_URL=restored)
    path = booked["manage_url"].removeprefix(topology.origin)
    response = httpx.get(base + path, headers=FORWARDED, timeout=30)
    assert response.status_code == 200
    assert booked["code"] in response.text
