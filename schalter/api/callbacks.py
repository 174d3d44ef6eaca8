"""API v1: callback requests (`POST /api/v1/offices/{office}/callbacks`), the same checks as the
public form; errors answer in the API's one form (v1.py's handlers)."""

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from schalter.accounts.actors import CLIENT
from schalter.api.schemas import ErrorOut
from schalter.appointments import antibot, ratelimit
from schalter.callbacks.requests import callback_request, request_limit, windows_clean
from schalter.offices.localtime import local_time
from schalter.offices.models import Office

router = Router(tags=["callbacks"])


class WindowIn(Schema):
    weekday: int | None = Field(None, ge=0, le=6)
    from_: str = Field(alias="from", max_length=5)
    until: str = Field(max_length=5)


class CallbackIn(Schema):
    number: str = Field(min_length=1, max_length=30)
    language: str = Field("de", max_length=10)
    topic: int | None = None
    windows: list[WindowIn] = Field(default_factory=list, max_length=7)
    altcha: str = Field("", max_length=4096)


class CallbackOut(Schema):
    id: int
    status_token: str
    status_url: str
    deadline: datetime | None
    state: str


@router.post(
    "/offices/{office}/callbacks",
    response={201: CallbackOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    url_name="callback_request",
)
def request_callback(request: HttpRequest, office: str, body: CallbackIn):
    office_obj = Office.objects.filter(slug=office).first()
    if office_obj is None:
        raise HttpError(404, _("Unknown office."))
    now = timezone.now()
    antibot.attempt_check(
        address=ratelimit.client_address(request),
        email="",
        proof=body.altcha,
        script_ran=True,
        now=now,
    )
    request_limit(body.number, now)
    windows = windows_clean(
        [{"weekday": w.weekday, "from": w.from_, "until": w.until} for w in body.windows]
    )

    def link_for(token: str) -> str:
        return request.build_absolute_uri(
            reverse("public:callback_status", kwargs={"office": office_obj.slug, "token": token})
        )

    requested = callback_request(
        office=office_obj,
        number=body.number,
        language=body.language.lower(),
        service_id=body.topic,
        windows=windows,
        now=now,
        acting_user=CLIENT,
        link_for=link_for,
    )
    callback = requested.callback
    return Status(
        201,
        {
            "id": callback.pk,
            "status_token": requested.token,
            "status_url": link_for(requested.token),
            "deadline": local_time(office_obj, callback.deadline) if callback.deadline else None,
            "state": callback.state,
        },
    )
