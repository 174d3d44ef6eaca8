"""Magic links for the interpreter's own view: random, stored hashed, single use, short-lived.
The link is her only factor, so the view it opens shows only what she needs
(docs/interpreters.md)."""

import secrets
from datetime import datetime, timedelta

from django.db import transaction

from schalter.interpreters.errors import SignInLinkInvalid
from schalter.interpreters.models import Interpreter, SignInLink
from schalter.tokens import token_hash, token_matches

LINK_LIFETIME = timedelta(minutes=30)
# Asking for a link (public:interpreter): per mailbox, above this nothing more is sent (silently,
# so the page still tells nobody who is in the pool); per address, above this the page says 429.
LINK_REQUESTS_PER_MAILBOX = 3
LINK_REQUESTS_PER_ADDRESS = 10
LINK_REQUEST_WINDOW_SECONDS = 3600


def sign_in_link_issue(*, interpreter: Interpreter, now: datetime) -> str:
    """A new link's token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        interpreter=interpreter, token_hash=token_hash(token), expires_at=now + LINK_LIFETIME
    )
    return token


@transaction.atomic
def sign_in_link_use(*, token: str, now: datetime) -> Interpreter:
    """The interpreter the link signs in, using it up; a used, expired or unknown link (or one of
    an interpreter no longer active) is refused alike."""
    link = (
        SignInLink.objects.select_for_update()
        .select_related("interpreter")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if (
        link is None
        or not token_matches(link.token_hash, token)
        or link.used_at is not None
        or link.expires_at <= now
        or not link.interpreter.active
    ):
        raise SignInLinkInvalid
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.interpreter
