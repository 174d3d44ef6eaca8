"""The links that open one appointment: its manage token (change or cancel) and its e-mail
confirmation token. Both are derived from the booking code with the secret key, so every e-mail
can carry them again; only their hashes (`schalter.tokens.token_hash`) are stored."""

from django.utils.crypto import salted_hmac


def manage_token_for(code: str) -> str:
    """The token that opens an appointment for change or cancellation."""
    return salted_hmac("schalter.appointments.manage", code, algorithm="sha256").hexdigest()[:40]


def confirm_token_for(code: str) -> str:
    """The e-mail confirmation token; it works once, while the booking is pending."""
    return salted_hmac("schalter.appointments.confirm", code, algorithm="sha256").hexdigest()[:40]
