"""Staff views of callbacks. For now the recording of a callback, played in the browser (the
worklist builds on it); each playback is audited as a read of a client record."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from schalter.accounts.roles import Capability
from schalter.callbacks.services import callback_audio_play
from schalter.offices.models import Office
from schalter.staff.guards import office_view


@require_GET
@office_view(Capability.WORK_CALLBACKS)
def callback_audio(request: HttpRequest, office: Office, pk: int) -> HttpResponse:
    audio = callback_audio_play(office=office, callback_id=pk, acting_user=request.user)
    response = HttpResponse(bytes(audio.data), content_type=audio.content_type)
    response["Content-Disposition"] = "inline"
    # A client's voice: kept in no cache on the way or in the browser.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
