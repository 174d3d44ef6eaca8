"""The SMTP receiver the phone system mails voicemails to (`manage.py ingest_voicemail --smtp`),
a long-running service on aiosmtpd.

Nothing lost: the answer to DATA is 250 only after the callback and its audio are committed
(ingest.message_ingest runs to its end first); a crash before that leaves the phone system
without a 250, so it sends again, and the re-delivery is deduplicated. A mail too large is
refused at DATA (552), an unknown receiving address at RCPT (550), a mail that is no voicemail
with 550 and its reason; a database away answers 451, so the phone system tries again later.
Messages are handled in worker threads: a slow or hostile mail never holds up the others, and no
message can crash the receiver."""

import asyncio
import logging
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import TextIO

from aiosmtpd.smtp import SMTP, Envelope, Session

from schalter.callbacks.ingest import (
    MAX_MESSAGE_BYTES,
    TemporaryFailure,
    message_ingest_in_thread,
    office_of,
)
from schalter.offices.models import Office

log = logging.getLogger(__name__)
WORKERS = 4  # messages handled at once


class VoicemailHandler:
    def __init__(self, *, office: Office | None, out: TextIO, workers: int = WORKERS):
        self.office = office
        self.out = out
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="voicemail")

    async def _in_thread(self, function, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: function(*args, **kwargs))

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options
    ) -> str:
        if self.office is None:
            try:
                found, _ = await self._in_thread(office_of, [address], None)
            except Exception:
                log.exception("looking up %s", address[:80])
                return "451 4.3.0 Temporary failure, try again later"
            if found is None:
                return "550 5.1.1 No voicemail box of an office at this address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            outcome = await self._in_thread(
                message_ingest_in_thread,
                raw,
                recipients=list(envelope.rcpt_tos),
                office=self.office,
            )
        except TemporaryFailure:
            log.exception("voicemail not stored now")
            return "451 4.3.0 Temporary failure, try again later"
        except Exception:
            log.exception("voicemail not handled")
            return "451 4.3.0 Temporary failure, try again later"
        self.out.write(outcome.line() + "\n")
        self.out.flush()
        if outcome.accepted:
            return f"250 OK callback {outcome.callback}"
        return f"550 5.6.0 Not taken: {outcome.reason}"


def smtp_serve(host: str, port: int, *, office: Office | None, out: TextIO = sys.stdout) -> None:
    """Serve until SIGTERM or SIGINT; messages in hand are finished first."""
    handler = VoicemailHandler(office=office, out=out)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory() -> SMTP:
        return SMTP(
            handler,
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname="schalter-voicemail",
            timeout=120,
            loop=loop,
        )

    server = loop.run_until_complete(loop.create_server(factory, host=host, port=port))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    log.warning("voicemail receiver on %s:%s", host, port)
    try:
        loop.run_forever()
    finally:
        server.close()
        handler.executor.shutdown(wait=True)
        loop.close()
