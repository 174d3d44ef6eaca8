"""The token of an account link (models.AccountLink): random, handed out once, kept as a hash."""

import secrets

from schalter.accounts.models import AccountLink
from schalter.tokens import token_hash


def account_link_token_issue(*, link: AccountLink) -> str:
    """A fresh token for the link (the one in the newest mail or printout); older ones stop
    working. The token exists only in the answer: the row keeps its hash."""
    token = secrets.token_urlsafe(32)
    AccountLink.objects.filter(pk=link.pk).update(token_hash=token_hash(token))
    link.token_hash = token_hash(token)
    return token
