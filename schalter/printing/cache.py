"""Rendered PDFs kept on disk, in SCHALTER_PDF_CACHE_DIR (in production storage shared by the app
servers, docs/pdf.md), one file per document.

The key is a hash of the HTML the PDF is made from: the office, its desks, texts, hours and
services as shown, in the languages and size asked for. A change to any of them changes the
HTML and so the key, and the next request makes a new PDF; requests that differ only in ways
that do not show (a language spelt in capitals, a parameter we ignore) share one file. Building
the HTML takes milliseconds, rendering it seconds.

Building the HTML of a large document (desk signs of a hundred desks) takes half a second,
too much to pay for every request: each request (path and query) also gets a small pointer
file naming the PDF it was last found to show. Within SCHALTER_PDF_FRESH_SECONDS of that check,
the PDF is served from the pointer alone; after it, the HTML is built again to confirm (or
replace) it, so a change of the data shows within that time (the answer says it may be kept
for five minutes anyway).

Files are written under a temporary name and renamed, so a reader never sees half a file, and
pruned by age (SCHALTER_PDF_CACHE_DAYS since last use) and total size
(SCHALTER_PDF_CACHE_MAX_MB, the longest unused first). A disk that is full or read-only costs
the cache, never the answer.
"""

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

# Bump when the PDF made from the same HTML changes (renderer, fonts): old files are not reused.
VERSION = b"1"
SUFFIX = ".pdf"
POINTER_SUFFIX = ".key"
TEMPORARY_PREFIX = ".part-"
# A temporary file older than this was left by a process that died while writing.
TEMPORARY_MAX_AGE_SECONDS = 3600
PRUNE_EVERY_SECONDS = 60
_pruned = {"at": 0.0}
_prune_lock = threading.Lock()


def directory() -> Path:
    return Path(settings.SCHALTER_PDF_CACHE_DIR)


def pdf_key(template: str, html: str) -> str:
    digest = hashlib.sha256(VERSION + b"\0" + template.encode() + b"\0")
    digest.update(html.encode())
    return digest.hexdigest()


def _path(key: str) -> Path:
    return directory() / f"{key}{SUFFIX}"


def request_key(full_path: str) -> str:
    """Names what a request asked for (path and query as sent) for its pointer."""
    return hashlib.sha256(VERSION + b"\0" + full_path.encode()).hexdigest()


@dataclass(frozen=True)
class Pointer:
    """What a request (its path and query) was last found to show: the PDF's key and file
    name, and how many seconds ago that was checked against the data."""

    key: str
    filename: str
    age: float


def pointer_read(request: str) -> Pointer | None:
    path = directory() / f"{request}{POINTER_SUFFIX}"
    try:
        text = path.read_text()
        checked = path.stat().st_mtime
    except (OSError, UnicodeDecodeError):
        return None
    key, _sep, filename = text.partition("\n")
    if len(key) != 64 or not filename:
        return None
    return Pointer(key, filename, max(0.0, time.time() - checked))


def pointer_store(request: str, key: str, filename: str) -> None:
    """Remember (or confirm, which renews its time) what a request shows."""
    _write(directory() / f"{request}{POINTER_SUFFIX}", f"{key}\n{filename}".encode())


def pdf_kept(key: str) -> bool:
    return _path(key).exists()


def cached_pdf(key: str) -> bytes | None:
    """The kept PDF, or None; a read marks it used (its mtime), for pruning."""
    path = _path(key)
    try:
        pdf = path.read_bytes()
    except OSError:  # not there, or pruned just now
        return None
    with contextlib.suppress(OSError):
        os.utime(path)
    return pdf


def pdf_store(key: str, pdf: bytes) -> bool:
    """Keep a PDF, atomically (see `_write`). False when the disk refused."""
    stored = _write(_path(key), pdf)
    prune_now = False
    with _prune_lock:
        if time.monotonic() - _pruned["at"] >= PRUNE_EVERY_SECONDS:
            _pruned["at"], prune_now = time.monotonic(), True
    if prune_now:
        pdf_cache_prune()
    return stored


def _write(target: Path, data: bytes) -> bool:
    """Written to a temporary file, flushed, then renamed into place (atomic on one file
    system), so readers see the whole file or none. False when the disk refused."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=folder)
    except OSError as error:
        log.warning("PDF cache not writable (%s): %s", folder, error.strerror)
        return False
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except OSError as error:
        log.warning("PDF not kept (%s): %s", folder, error.strerror)
        Path(temporary).unlink(missing_ok=True)
        return False
    return True


def pdf_cache_prune(*, now: float | None = None) -> int:
    """Remove PDFs unused for SCHALTER_PDF_CACHE_DAYS, then the longest unused ones until the
    rest fit in SCHALTER_PDF_CACHE_MAX_MB, and temporary files left by a crash. Returns how
    many files went. Several processes may prune at once: a file already gone is skipped."""
    now = time.time() if now is None else now
    oldest = now - settings.SCHALTER_PDF_CACHE_DAYS * 86400
    budget = settings.SCHALTER_PDF_CACHE_MAX_MB * 1024 * 1024
    kept: list[tuple[float, int, Path]] = []
    removed = 0
    try:
        entries = list(os.scandir(directory()))
    except OSError:
        return 0
    for entry in entries:
        try:
            stat = entry.stat()
        except OSError:
            continue
        temporary = entry.name.startswith(TEMPORARY_PREFIX)
        if temporary and stat.st_mtime >= now - TEMPORARY_MAX_AGE_SECONDS:
            continue
        kind = entry.name.endswith(SUFFIX) or entry.name.endswith(POINTER_SUFFIX)
        if temporary or (kind and stat.st_mtime < oldest):
            removed += _remove(Path(entry.path))
        elif kind:
            kept.append((stat.st_mtime, stat.st_size, Path(entry.path)))
    total = sum(size for _mtime, size, _path in kept)
    for _mtime, size, path in sorted(kept, key=lambda row: row[0]):
        if total <= budget:
            break
        removed += _remove(path)
        total -= size
    return removed


def _remove(path: Path) -> int:
    try:
        path.unlink()
    except OSError:
        return 0
    return 1
