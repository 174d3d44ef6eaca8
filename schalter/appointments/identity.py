"""Who a booking belongs to: a name as typed but made safe, normalised e-mail and phone, so `+`
tricks and spelling variants of one address count as one person."""

import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from schalter.appointments.errors import BookingError, InvalidContact, InvalidName
from schalter.languages import BY_CODE, OTHER_SPOKEN_LANGUAGES
from schalter.text import one_line

NAME_MAX_LENGTH = 120  # Appointment.name and WaitlistEntry.name

# Providers that ignore dots in the local part.
DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def name_clean(name: str) -> str:
    """The one rule for typed text (schalter.text.one_line), for a person's name: something
    readable must be left (a letter, digit, punctuation or symbol), so a name made only of
    zero-width characters, direction overrides or combining marks is refused (InvalidName).
    Composing the text (NFC) can lengthen it; it is cut to what the database holds."""
    cleaned = one_line(name)
    if not any(unicodedata.category(char)[0] in "LNPS" for char in cleaned):
        raise InvalidName(field="name")
    return cleaned[:NAME_MAX_LENGTH].rstrip()


def interpreter_language_check(code: str) -> str:
    """An interpreter language is one the booking form offers (or none)."""
    if code and code not in BY_CODE and code not in OTHER_SPOKEN_LANGUAGES:
        raise BookingError(field="interpreter_language")
    return code


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
