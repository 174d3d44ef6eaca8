"""Who a booking belongs to: normalised e-mail and phone, so `+` tricks and spelling variants of
one address count as one person."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from schalter.appointments.errors import InvalidContact

# Providers that ignore dots in the local part.
DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def normalise_email(email: str) -> str:
    """Lower-case, without a `+tag`, without dots where the provider ignores them."""
    email = email.strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidContact(field="email") from None
    local, _, domain = email.rpartition("@")
    domain = domain.lower().rstrip(".")
    local = local.lower()
    if not local.startswith('"'):  # a quoted local part may hold a literal `+`
        # `jane+tag` is `jane`; `+tag` alone has nothing before its tag and stays as it is.
        local = local.split("+", 1)[0].rstrip(".") or local
    if domain in DOTLESS_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def normalise_phone(phone: str, region: str = "DE") -> str:
    """E.164, or InvalidContact."""
    phone = phone.strip()
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        raise InvalidContact(field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
