"""Recordings attached to voicemail mails: which kind (WAV, MP3, OPUS) by their first bytes,
whatever the attachment claims, and how long they are where the file says so. Nothing here
trusts the input: a short or lying header gives no duration, never an exception."""

import struct
from dataclasses import dataclass

WAV, MP3, OGG = "audio/wav", "audio/mpeg", "audio/ogg"
# Extensions phone systems give recordings; anything else attached is not taken for one.
AUDIO_EXTENSIONS = (".wav", ".mp3", ".opus", ".ogg", ".oga", ".gsm")

# MPEG-1 layer III bitrates (kbit/s) by index, and sample rates by version and index.
MP3_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0),  # MPEG-2
    0: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0),  # MPEG-2.5
}
MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class Sound:
    content_type: str  # "" when the bytes are no recording this knows
    duration_seconds: float | None


def sound_of(data: bytes) -> Sound:
    """The kind and duration of a recording from its bytes."""
    try:
        if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
            return Sound(WAV, _wav_seconds(data))
        if data[:4] == b"OggS":
            return Sound(OGG, _ogg_seconds(data))
        if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
            seconds = _mp3_seconds(data)
            if seconds is not None or data[:3] == b"ID3":
                return Sound(MP3, seconds)
    except (struct.error, IndexError, ValueError, ZeroDivisionError):
        pass
    return Sound("", None)


def _wav_seconds(data: bytes) -> float | None:
    """From the RIFF chunks: the data chunk's size over the format chunk's bytes per second (PCM,
    µ-law or GSM alike; a truncated file counts what is there)."""
    offset, byte_rate, size = 12, 0, None
    while offset + 8 <= len(data):
        chunk, length = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        if chunk == b"fmt ":
            byte_rate = struct.unpack("<I", data[offset + 16 : offset + 20])[0]
        elif chunk == b"data":
            size = min(length, len(data) - offset - 8)
            break
        offset += 8 + length + (length & 1)
    if not byte_rate or size is None:
        return None
    return round(size / byte_rate, 2)


def _ogg_seconds(data: bytes) -> float | None:
    """OPUS in Ogg: the last page's granule position, at 48 kHz, less the pre-skip."""
    head = data.find(b"OpusHead")
    last = data.rfind(b"OggS")
    if head < 0 or last < 0:
        return None
    pre_skip = struct.unpack("<H", data[head + 10 : head + 12])[0]
    granule = struct.unpack("<q", data[last + 6 : last + 14])[0]
    if granule <= 0:
        return None
    return round(max(granule - pre_skip, 0) / 48000, 2)


def _frame_sync(data: bytes, offset: int) -> bool:
    return data[offset] == 0xFF and data[offset + 1] & 0xE0 == 0xE0


def _mp3_seconds(data: bytes) -> float | None:
    """From the first frame: the Xing/Info frame count if there is one, else constant bitrate
    over the file's length."""
    offset = 0
    if data[:3] == b"ID3":
        size = data[6:10]
        offset = 10 + ((size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3])
    while offset + 4 <= len(data) and not (
        data[offset] == 0xFF and data[offset + 1] & 0xE0 == 0xE0
    ):
        offset += 1
        if offset > 64 * 1024:
            return None
    header = struct.unpack(">I", data[offset : offset + 4])[0]
    version = (header >> 19) & 3
    bitrate = MP3_BITRATES.get(version, MP3_BITRATES[0])[(header >> 12) & 15] * 1000
    rate_index = (header >> 10) & 3
    if version == 1 or rate_index == 3 or not bitrate:
        return None
    rate = MP3_RATES[version][rate_index]
    samples_per_frame = 1152 if version == 3 else 576
    for tag in (b"Xing", b"Info"):
        at = data.find(tag, offset, offset + 64)
        if at >= 0 and struct.unpack(">I", data[at + 4 : at + 8])[0] & 1:
            frames = struct.unpack(">I", data[at + 8 : at + 12])[0]
            return round(frames * samples_per_frame / rate, 2)
    return round((len(data) - offset) * 8 / bitrate, 2)
