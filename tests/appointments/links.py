"""The tokens a mail's links carry: mails are the only way a later link reaches a person."""

import re

LINK = re.compile(r"/book/(confirm|manage)/([^/\s\"]+)/([^/\s\"]+)/")


def mail_token(message, purpose: str) -> str:
    """The token of the mail's `purpose` link ("confirm" or "manage"), from its text part."""
    tokens = {found[0]: found[2] for found in LINK.findall(message.body)}
    assert purpose in tokens, f"no {purpose} link in: {message.body}"
    return tokens[purpose]
