import pytest

from schalter.accounts.actors import COMMAND
from schalter.callbacks.models import CallbackMailbox
from schalter.callbacks.parts import CALLBACKS
from schalter.offices.services import office_part_switch
from tests.callbacks.mails import recordings_in

ADDRESS = "voicemail@giessen.example"
ARABIC_ADDRESS = "voicemail-ar@giessen.example"


@pytest.fixture(scope="session")
def recordings(tmp_path_factory) -> dict[str, bytes]:
    """A spoken message as WAV (espeak-ng), OPUS (opusenc) and MP3 (lame), made once."""
    return recordings_in(tmp_path_factory.mktemp("recordings"))


def callbacks_on(office) -> None:
    """The office takes callbacks in, through two receiving addresses (one for Arabic)."""
    office_part_switch(office=office, name=CALLBACKS, on=True, acting_user=COMMAND)
    office.refresh_from_db()
    CallbackMailbox.objects.create(office=office, address=ADDRESS)
    CallbackMailbox.objects.create(office=office, address=ARABIC_ADDRESS, language="ar")
