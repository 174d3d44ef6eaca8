"""The spoken announcement of a call: a gong, then "number A 17, please go to desk 12" in German
and, if she speaks another, in the client's language, as one WAV for the call displays.

Speech comes from espeak-ng (a Debian package, no network). Each phrase is made once and kept in
SCHALTER_ANNOUNCE_DIR under the hash of its voice and text, so the second display asking for the
same call (or tomorrow's A 17 at desk 12) costs a file read. A language espeak-ng cannot speak is
left out, and a failing espeak-ng leaves the gong alone: the call itself never fails because of
its sound. Nothing personal is said: a ticket code and a desk number.

A phrase is made in memory (espeak-ng writes to a pipe), then written beside its place, flushed
and renamed into it: on a full disk nothing half-written is left or read, and the phrase is
still said whole, only not kept."""

import contextlib
import functools
import hashlib
import io
import logging
import math
import os
import re
import struct
import subprocess
import tempfile
import time
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope

from schalter.visits.models import CallEvent, CallKind, Screen
from schalter.visits.selectors import local_day

logger = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
ESPEAK_TIMEOUT_SECONDS = 10
RATE = 22050  # what espeak-ng writes: mono, 16 bit
SAMPLE_WIDTH = 2
KEEP_DAYS = 30  # phrases not asked for this long are deleted
PRUNE_EVERY_SECONDS = 3600
# Our language codes (schalter.languages) and the espeak-ng voice that speaks each. Leichte
# Sprache is German to the ear; Dari is read by the Persian voice (espeak-ng has no Dari).
VOICES = {
    "de": "de",
    "de-x-ls": "de",
    "en": "en-gb",
    "ar": "ar",
    "tr": "tr",
    "uk": "uk",
    "ru": "ru",
    "fa": "fa",
    "fa-af": "fa",
    "fr": "fr-fr",
    "ro": "ro",
}
_last_prune = -math.inf  # so the first call after boot prunes (monotonic time may start near 0)


@dataclass(frozen=True)
class Phrase:
    language: str  # ours, as in schalter.languages
    voice: str  # espeak-ng's
    text: str


def speakable_code(code: str) -> str:
    """ "A-017" is said "A 17": the letters spelt, the number without its leading zeros."""
    parts = re.findall(r"[^\W\d_]+|\d+", code)
    return " ".join(str(int(p)) if p.isdigit() else p for p in parts) or code


def phrases(*, code: str, desk: int | str, language: str) -> list[Phrase]:
    """What is said for a call: German first, then the client's language if it is another one
    and espeak-ng has a voice for it."""
    spoken: list[Phrase] = []
    for lang in ["de", (language or "de").lower()]:
        voice = VOICES.get(lang)
        if voice is None or voice not in available_voices():
            continue
        if any(p.voice == voice for p in spoken):
            continue  # Leichte Sprache after German: said once
        with translation.override(lang):
            text = _("Number %(code)s, please go to desk %(desk)s.") % {
                "code": speakable_code(code),
                "desk": desk,
            }
        spoken.append(Phrase(lang, voice, text))
    return spoken


@functools.cache
def available_voices() -> frozenset[str]:
    """The voices espeak-ng has here (its --voices list); none if it is not installed.
    Cached per process: a voice installed later is heard after the app restarts."""
    try:
        listed = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
            [ESPEAK, "--voices"],
            capture_output=True,
            text=True,
            timeout=ESPEAK_TIMEOUT_SECONDS,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        logger.warning("espeak-ng is not available: calls are announced by the gong only")
        return frozenset()
    # "Pty Language Age/Gender VoiceName File Other Languages": the language is what -v takes.
    return frozenset(line.split()[1] for line in listed.splitlines()[1:] if len(line.split()) > 1)


def cache_dir() -> Path:
    path = Path(settings.SCHALTER_ANNOUNCE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cached_path(phrase: Phrase) -> Path:
    key = hashlib.sha256(f"{phrase.voice}\n{phrase.text}".encode()).hexdigest()
    return Path(settings.SCHALTER_ANNOUNCE_DIR) / f"{key}.wav"


def _read_frames(path: Path) -> bytes | None:
    """A kept phrase's frames; None (and the file gone) if it is not one of ours."""
    try:
        with wave.open(str(path), "rb") as speech:
            same = (speech.getnchannels(), speech.getsampwidth(), speech.getframerate())
            frames = speech.readframes(speech.getnframes())
            if same != (1, SAMPLE_WIDTH, RATE) or len(frames) != speech.getnframes() * 2:
                raise wave.Error(f"not {RATE} Hz mono 16 bit, or shorter than it says")
    except FileNotFoundError:
        return None
    except (OSError, wave.Error, EOFError):
        logger.exception("could not read %s", path)
        path.unlink(missing_ok=True)
        return None
    return frames


def _speak(phrase: Phrase) -> bytes | None:
    """espeak-ng's frames for the phrase, taken whole from its output (never from a file it
    may have had to cut short on a full disk); None if it fails."""
    try:
        spoken = subprocess.run(  # noqa: S603 (an argument list, no shell; the text after --)
            [ESPEAK, "-v", phrase.voice, "--stdout", "--", phrase.text],
            capture_output=True,
            timeout=ESPEAK_TIMEOUT_SECONDS,
            check=True,
        ).stdout
        # Written to a pipe, the header cannot give the length: the frames are what follows.
        with wave.open(io.BytesIO(spoken), "rb") as speech:
            same = (speech.getnchannels(), speech.getsampwidth(), speech.getframerate())
            frames = speech.readframes(speech.getnframes())
        if same != (1, SAMPLE_WIDTH, RATE) or not frames:
            raise ValueError(f"espeak-ng wrote no {RATE} Hz mono 16-bit sound")
    except (OSError, subprocess.SubprocessError, wave.Error, EOFError, ValueError):
        logger.exception("espeak-ng could not say %r with voice %s", phrase.text, phrase.voice)
        return None
    return frames[: len(frames) - len(frames) % SAMPLE_WIDTH]


def _keep(path: Path, frames: bytes) -> bool:
    """Write the phrase beside its place, flush it to the disk and rename it there: two
    displays asking at once never read half a file, and a full disk leaves nothing behind."""
    temporary = None
    try:
        directory = cache_dir()
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            with wave.open(file, "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(SAMPLE_WIDTH)
                out.setframerate(RATE)
                out.writeframes(frames)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError:
        logger.warning("announcement not kept in %s (disk full?)", path.parent, exc_info=True)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False
    return True


def speech_frames(phrase: Phrase) -> bytes | None:
    """The phrase spoken, from the cache or made now (and kept, where the disk has room for
    it); None if espeak-ng fails."""
    with contextlib.suppress(OSError):
        cache_dir()
    path = _cached_path(phrase)
    try:
        made = path.stat().st_mtime
    except FileNotFoundError:
        pass
    else:
        if made < time.time() - 86400:
            with contextlib.suppress(OSError):
                os.utime(path)  # still in use: _prune keeps it
        frames = _read_frames(path)
        if frames is not None:
            return frames
    frames = _speak(phrase)
    if frames is not None and _keep(path, frames):
        with contextlib.suppress(OSError):
            _prune(path.parent, now=path.stat().st_mtime)
    return frames


def speech_wav(phrase: Phrase) -> Path | None:
    """The phrase's file in the cache, made now if need be; None if espeak-ng fails or the
    disk has no room for it."""
    if speech_frames(phrase) is None:
        return None
    path = _cached_path(phrase)
    return path if path.exists() else None


def _prune(directory: Path, *, now: float) -> None:
    """Displays run for months: phrases nobody asked for in KEEP_DAYS go (looked at hourly)."""
    global _last_prune
    if time.monotonic() - _last_prune < PRUNE_EVERY_SECONDS:
        return
    _last_prune = time.monotonic()
    oldest = now - KEEP_DAYS * 86400  # the file system's clock: tests travel in time
    for path in directory.iterdir():
        try:
            if path.suffix in (".wav", ".part") and path.stat().st_mtime < oldest:
                path.unlink()
        except OSError:
            pass


@functools.cache
def gong(rate: int = RATE) -> bytes:
    """A two-tone chime (E5, then C5), each note fading out; 16-bit mono frames."""
    samples: list[int] = []
    for frequency, seconds in ((659.25, 0.55), (523.25, 0.9)):
        for i in range(int(rate * seconds)):
            t = i / rate
            attack = min(1.0, t / 0.01)  # no click at the start
            decay = math.exp(-3.2 * t)
            tone = math.sin(2 * math.pi * frequency * t) + 0.25 * math.sin(
                4 * math.pi * frequency * t
            )
            samples.append(int(0.45 * 32767 * attack * decay * tone / 1.25))
    return struct.pack(f"<{len(samples)}h", *samples)


def silence(seconds: float, rate: int = RATE) -> bytes:
    return b"\0\0" * int(rate * seconds)


def announcement(*, code: str, desk: int | str, language: str) -> bytes:
    """The whole announcement as one WAV file: gong, German, the client's language."""
    frames = [gong(), silence(0.3)]
    for phrase in phrases(code=code, desk=desk, language=language):
        speech = speech_frames(phrase)
        if speech is not None:
            frames += [speech, silence(0.4)]
    out = io.BytesIO()
    with wave.open(out, "wb") as joined:
        joined.setnchannels(1)
        joined.setsampwidth(SAMPLE_WIDTH)
        joined.setframerate(RATE)
        joined.writeframes(b"".join(frames))
    return out.getvalue()


def announced_call(screen: Screen, event_id: int, now: datetime) -> CallEvent:
    """A call or recall of today that this screen shows (its office, groups and floors); 404
    alike for another office's, another screen's and a missing event."""
    if not 0 < event_id < 2**63:  # the URL takes any digits; the database does not
        raise Http404
    office = screen.office
    with scope(office=office):
        events = CallEvent.objects.filter(
            office=office,
            pk=event_id,
            ticket__day=local_day(office, now),
            kind__in=(CallKind.CALL, CallKind.RECALL),
            desk__isnull=False,
        )
        if screen.groups:
            events = events.filter(ticket__group_id__in=screen.groups)
        if screen.floors:
            events = events.filter(desk__floor__in=screen.floors)
        event = events.select_related("ticket", "desk").first()
    if event is None:
        raise Http404
    return event


def call_announcement(event: CallEvent) -> bytes:
    assert event.desk is not None  # announced_call leaves out calls without a desk
    return announcement(
        code=event.ticket.code, desk=event.desk.number, language=event.ticket.language
    )
