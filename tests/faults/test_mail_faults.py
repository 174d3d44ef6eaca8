"""The confirmation mail goes out exactly once whatever happens to the task worker
(`manage.py db_worker`, killed with SIGKILL mid-send) or to the SMTP server (away, or answering
"try again later"): a real worker process, a real SMTP receiver (aiosmtpd) on this machine."""

import asyncio
import email
import signal
import sys
import threading
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.faults.conftest import ROOT, free_port, wait_until

RETRY_SECONDS = 1  # SCHALTER_MAIL_RETRY_SECONDS in the workers: the next attempt a second later


class Receiver:
    """An SMTP server that takes a message only with its 250 after DATA, as a real one does.
    `hold[address] = command` makes it sit on its reply to DATA or QUIT for that recipient's
    mail (a client that goes away meanwhile leaves nothing behind); `refuse` answers DATA with a
    temporary failure."""

    def __init__(self) -> None:
        self.accepted: list[Message] = []
        self.hold: dict[str, str] = {}
        self.refuse = ""
        self.reached: dict[tuple[str, str], threading.Event] = {}

    def event(self, address: str, command: str) -> threading.Event:
        return self.reached.setdefault((address, command), threading.Event())

    async def handle_DATA(self, server, session, envelope):
        (address,) = envelope.rcpt_tos
        session.recipient = address
        self.event(address, "DATA").set()
        if self.hold.get(address) == "DATA":
            await asyncio.sleep(60)  # cancelled when the client's connection drops
        if self.refuse:
            return self.refuse
        self.accepted.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        address = getattr(session, "recipient", "")
        self.event(address, "QUIT").set()
        if self.hold.get(address) == "QUIT":
            await asyncio.sleep(60)
        return "221 Bye"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.accepted if m["To"] == address]


@pytest.fixture
def smtp():
    receiver = Receiver()
    port = free_port()
    controller = Controller(receiver, hostname="127.0.0.1", port=port)
    controller.start()
    receiver.port = port
    receiver.controller = controller
    try:
        yield receiver
    finally:
        receiver.hold.clear()
        receiver.controller.stop()


def start_worker(processes, cluster, name: str, smtp_port: int):
    env = cluster.env(
        SCHALTER_SMTP_HOST="127.0.0.1",
        SCHALTER_SMTP_PORT=str(smtp_port),
        SCHALTER_MAIL_RETRY_SECONDS=str(RETRY_SECONDS),
    )
    command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--no-startup-delay",
               "--interval", "0.2", "--worker-id", name, "-v", "0"]  # fmt: skip
    return processes.start(name, command, env)


def kill(process) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def mail_row(cluster, key: str) -> tuple[int, bool, bool]:
    """(attempts, sent, done) of the mail `key`."""
    rows = cluster.query(
        "SELECT attempts, sent, done_at IS NOT NULL FROM mail_outgoingmail WHERE key = %s", key
    )
    return rows[0] if rows else (0, False, False)


def mail_key(cluster, appointment_id: int) -> str:
    """The mail's key: the id of its first task (tasks of later attempts carry it)."""
    (row,) = cluster.query(
        "SELECT id::text FROM django_tasks_database_dbtaskresult "
        "WHERE (args_kwargs->'args'->>0)::bigint = %s "
        "AND jsonb_array_length(args_kwargs->'args') = 3",
        appointment_id,
    )
    return row[0]


def attempts_done(cluster, key: str) -> int:
    """Tasks carrying the key (later attempts) that ran to the end."""
    return cluster.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE args_kwargs->'args'->>3 = %s AND status = 'SUCCESSFUL'",
        key,
    )[0][0]


def test_a_worker_killed_mid_send_sends_the_mail_once_after_restart(
    cluster, seeded, processes, smtp
):
    first, second = "killed-before-250@example.org", "killed-after-250@example.org"
    booked = cluster.django(f"book:{first}", f"book:{second}")
    smtp.hold = {first: "DATA", second: "QUIT"}

    # 1. Killed while the server sits on its answer to DATA: the server took nothing.
    worker = start_worker(processes, cluster, "worker-1", smtp.port)
    assert smtp.event(first, "DATA").wait(120), processes.log("worker-1")
    kill(worker)
    assert smtp.to(first) == []
    del smtp.hold[first]

    # 2. Restarted: the next attempt sends it. Then the second mail: accepted (250), and the
    # worker killed while the server sits on its answer to QUIT.
    worker = start_worker(processes, cluster, "worker-2", smtp.port)
    assert smtp.event(second, "QUIT").wait(120), processes.log("worker-2")
    kill(worker)
    assert len(smtp.to(first)) == 1 and len(smtp.to(second)) == 1

    # 3. Restarted again: the second mail's next attempt runs and sends nothing.
    keys = [mail_key(cluster, b["id"]) for b in booked]
    start_worker(processes, cluster, "worker-3", smtp.port)
    wait_until(lambda: attempts_done(cluster, keys[1]) >= 1, 120, "the next attempt ran")
    wait_until(lambda: attempts_done(cluster, keys[0]) >= 1, 120, "the first mail's attempt ran")
    assert [len(smtp.to(first)), len(smtp.to(second))] == [1, 1]
    assert mail_row(cluster, keys[0]) == (2, True, True)
    assert mail_row(cluster, keys[1]) == (1, True, True)
    # Every attempt at one mail carries the same Message-ID.
    assert smtp.to(first)[0]["Message-ID"].startswith(f"<{keys[0]}@")


def test_mails_wait_while_the_smtp_server_is_away_and_go_out_once_when_it_is_back(
    cluster, seeded, processes, smtp
):
    address = "smtp-away@example.org"
    smtp.controller.stop()  # nothing listens on its port
    (booked,) = cluster.django(f"book:{address}")
    start_worker(processes, cluster, "worker-smtp", smtp.port)
    key = wait_until(lambda: mail_key(cluster, booked["id"]), 120, "the mail task")
    wait_until(lambda: mail_row(cluster, key)[0] >= 2, 120, "two attempts while away")
    assert mail_row(cluster, key)[1:] == (False, False)  # waiting, not given up

    # Back, but answering "try again later" for a while: still waiting.
    smtp.refuse = "451 4.3.0 Try again later"
    smtp.controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    smtp.controller.start()
    attempts = mail_row(cluster, key)[0]
    wait_until(lambda: mail_row(cluster, key)[0] > attempts, 120, "an attempt refused with 451")
    assert smtp.to(address) == [] and mail_row(cluster, key)[1:] == (False, False)

    smtp.refuse = ""
    wait_until(lambda: smtp.to(address), 120, "the mail once the server takes it")
    wait_until(lambda: mail_row(cluster, key)[1], 10, "marked sent")
    assert len(smtp.to(address)) == 1
