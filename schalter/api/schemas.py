from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class OfficeOut(Schema):
    slug: str
    name: str
    city: str
    time_zone: str
    # The parts of Schalter the office uses: "booking", "queue", ... (offices/parts.py).
    parts: list[str]


class ServiceOut(Schema):
    id: int
    slug: str
    name: str
    duration_minutes: int
    max_persons: int
    fee_eur: Decimal
    documents: list[str]


class FreeTimeOut(Schema):
    start: datetime
    available: int


class AvailabilityOut(Schema):
    slots: list[FreeTimeOut]


class AvailabilityQuery(Schema):
    service: int
    start: date
    end: date
    persons: int = Field(1, ge=1, le=10)


class BookingIn(Schema):
    service: int
    start: datetime
    name: str = Field(min_length=1, max_length=120)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    language: str = Field("de", max_length=10)
    persons: int = Field(1, ge=1, le=10)
    interpreter_language: str = Field("", max_length=10)
    altcha: str = Field("", max_length=4096)


class BookingOut(Schema):
    code: str
    manage_token: str
    status: str
    start: datetime
    end: datetime


class AppointmentOut(Schema):
    code: str
    status: str
    office: str
    service: int
    service_name: str
    start: datetime
    end: datetime
    persons: int
    language: str


class ConfirmIn(Schema):
    token: str = Field(max_length=100)


class RescheduleIn(Schema):
    start: datetime


class ErrorOut(Schema):
    error: str
    message: str
    field: str | None = None
    errors: list[dict] | None = None
