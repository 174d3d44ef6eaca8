"""The disk where announcements are kept is full (a 64 KiB tmpfs mounted there, smaller than one
spoken phrase): the call is still announced whole, and nothing half-written is left in the
directory or read from it later. espeak-ng runs for real. Needs root to mount; no database."""

import io
import os
import subprocess
import wave
from pathlib import Path

import pytest

from schalter.visits import announce


@pytest.fixture
def full_disk(tmp_path, settings):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (the test suite runs as root in CI)")
    directory = tmp_path / "announcements"
    directory.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(directory)], check=True)
    settings.SCHALTER_ANNOUNCE_DIR = directory
    try:
        yield directory
    finally:
        subprocess.run(["umount", str(directory)], check=False)


def frames(data: bytes) -> int:
    with wave.open(io.BytesIO(data), "rb") as sound:
        return len(sound.readframes(sound.getnframes())) // 2


def test_a_full_disk_keeps_no_half_phrase_and_the_call_is_still_said_whole(
    full_disk, tmp_path, settings
):
    call = {"code": "A-017", "desk": 12, "language": "ar"}
    said = announce.announcement(**call)
    assert list(full_disk.iterdir()) == []  # nothing kept, nothing half-written
    again = announce.announcement(**call)

    settings.SCHALTER_ANNOUNCE_DIR = tmp_path / "roomy"
    whole = announce.announcement(**call)
    assert len(list(Path(settings.SCHALTER_ANNOUNCE_DIR).iterdir())) == 2  # German, Arabic
    assert frames(said) == frames(again) == frames(whole)
    assert said == whole
