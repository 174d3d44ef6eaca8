"""Spoken calls: the texts (German first, then the client's language), espeak-ng's phrases
made once and cached, one valid WAV with the gong in front, and a URL that says only the calls
its screen shows. espeak-ng runs for real (Debian package)."""

import io
import wave
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from django_scopes import scopes_disabled

from schalter.accounts.actors import COMMAND
from schalter.visits import announce, services
from schalter.visits.models import CallEvent
from tests.visits.conftest import later, walk_in

pytestmark = pytest.mark.django_db

MSGID = "Number %(code)s, please go to desk %(desk)s."


@pytest.fixture(autouse=True)
def announce_dir(settings, tmp_path) -> Path:
    settings.SCHALTER_ANNOUNCE_DIR = tmp_path / "announcements"
    return settings.SCHALTER_ANNOUNCE_DIR


def said(language: str, code: str, desk: int) -> str:
    with translation.override(language):
        return translation.gettext(MSGID) % {"code": code, "desk": desk}


def seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as sound:
        assert (sound.getnchannels(), sound.getsampwidth()) == (1, 2)
        return sound.getnframes() / sound.getframerate()


def test_codes_are_said_as_letter_and_number():
    assert announce.speakable_code("A-017") == "A 17"
    assert announce.speakable_code("B-100") == "B 100"
    assert announce.speakable_code("AB-007") == "AB 7"
    assert announce.speakable_code("T-000") == "T 0"


def test_german_first_then_turkish():
    phrases = announce.phrases(code="B-003", desk=12, language="tr")
    assert [(p.language, p.voice) for p in phrases] == [("de", "de"), ("tr", "tr")]
    assert [p.text for p in phrases] == [said("de", "B 3", 12), said("tr", "B 3", 12)]
    for phrase in phrases:
        assert "B 3" in phrase.text and "12" in phrase.text
        assert "B-003" not in phrase.text


def test_arabic_and_dari_have_voices_and_leichte_sprache_is_said_once():
    arabic = announce.phrases(code="A-017", desk=4, language="ar")
    assert [(p.language, p.voice) for p in arabic] == [("de", "de"), ("ar", "ar")]
    assert arabic[1].text == said("ar", "A 17", 4)
    dari = announce.phrases(code="A-017", desk=4, language="fa-af")
    assert [p.voice for p in dari] == ["de", "fa"]
    assert [p.language for p in announce.phrases(code="A-1", desk=4, language="de-x-ls")] == ["de"]
    assert [p.language for p in announce.phrases(code="A-1", desk=4, language="de")] == ["de"]


def test_every_language_of_the_site_has_a_voice_here():
    from schalter.languages import LANGUAGE_CODES

    voices = announce.available_voices()
    assert {announce.VOICES[code] for code in LANGUAGE_CODES} <= voices


def test_a_language_without_a_voice_is_left_out_and_the_call_still_sounds():
    phrases = announce.phrases(code="A-017", desk=4, language="ku")  # Kurmancî: no voice
    assert [p.language for p in phrases] == ["de"]
    data = announce.announcement(code="A-017", desk=4, language="ku")
    assert seconds(data) > 2


def test_a_phrase_is_made_once_and_then_read_from_the_cache(announce_dir):
    phrase = announce.phrases(code="A-017", desk=4, language="tr")[1]
    first = announce.speech_wav(phrase)
    assert first is not None and first.parent == announce_dir
    made = first.stat().st_mtime_ns
    again = announce.speech_wav(phrase)
    assert again == first
    assert first.stat().st_mtime_ns == made  # not written again
    assert sorted(p.suffix for p in announce_dir.iterdir()) == [".wav"]  # no half files left
    # A whole announcement for the same call makes only the German phrase besides.
    announce.announcement(code="A-017", desk=4, language="tr")
    announce.announcement(code="A-017", desk=4, language="tr")
    assert len(list(announce_dir.iterdir())) == 2
    assert first.stat().st_mtime_ns == made


def test_the_announcement_is_one_wav_gong_first_then_both_languages():
    data = announce.announcement(code="A-017", desk=4, language="tr")
    german_only = announce.announcement(code="A-017", desk=4, language="de")
    with wave.open(io.BytesIO(data), "rb") as sound:
        assert sound.getframerate() == announce.RATE
        frames = sound.readframes(sound.getnframes())
    gong = announce.gong()
    assert frames.startswith(gong)  # the gong opens every call
    assert len(gong) / 2 / announce.RATE > 1  # a chime, not a click
    assert seconds(data) > seconds(german_only) > len(gong) / 2 / announce.RATE + 1


def test_espeak_failing_leaves_the_gong(settings, monkeypatch):
    # espeak-ng missing from the path: announce degrades, it does not raise.
    monkeypatch.setenv("PATH", "/nonexistent")
    phrase = announce.Phrase("de", "de", "Nummer A 17")
    assert announce.speech_wav(phrase) is None
    assert list(Path(settings.SCHALTER_ANNOUNCE_DIR).iterdir()) == []


@pytest.fixture
def screens(office, other_office, groups):
    def create(**values):
        return services.screen_create(**values, acting_user=COMMAND)

    return {
        "all": create(office=office, name="Alle", public_id="alle"),
        "a": create(office=office, name="A", public_id="nur-a", groups=[groups["A"]]),
        "b": create(office=office, name="B", public_id="nur-b", groups=[groups["B"]]),
        "top": create(office=office, name="2. OG", public_id="og2", floors=[2]),
        "other": create(office=other_office, name="Alle", public_id="dort"),
    }


def audio(office: str, screen: str, event: int):
    return Client().get(f"/{office}/display/{screen}/announce/{event}.wav")


def test_the_url_says_a_call_its_screen_shows(screens, groups, office, sessions, now):
    (session,) = sessions(1)  # desk 1, on the first floor
    with time_machine.travel(later(now, 2), tick=False):
        walk_in(office, groups["A"], now, language="ar")
        services.ticket_call_next(desk_session=session, now=later(now, 1), acting_user=COMMAND)
        with scopes_disabled():
            event = CallEvent.objects.get()
        response = audio("giessen", "alle", event.pk)
        assert response.status_code == 200
        assert response["Content-Type"] == "audio/wav"
        assert "private" in response["Cache-Control"]
        assert "max-age=" in response["Cache-Control"]
        assert seconds(response.content) > 3  # gong, German, Arabic
        assert audio("giessen", "nur-a", event.pk).status_code == 200

        assert audio("giessen", "nur-b", event.pk).status_code == 404  # another group
        assert audio("giessen", "og2", event.pk).status_code == 404  # another floor
        assert audio("darmstadt", "dort", event.pk).status_code == 404  # another office
        assert audio("darmstadt", "alle", event.pk).status_code == 404
        assert audio("giessen", "alle", event.pk + 1000).status_code == 404  # no such call
        assert audio("giessen", "gibts-nicht", event.pk).status_code == 404
        assert audio("giessen", "alle", 10**30).status_code == 404
    with time_machine.travel(later(now, 60 * 24), tick=False):
        assert audio("giessen", "alle", event.pk).status_code == 404  # yesterday's call
