"""German compound splitting with compound-split's model, loaded fast.

compound-split ships its n-gram model as a 39 MB Python module (and a Dutch one beside it) that
`char_split` imports at once: compiling it takes most of a minute where no bytecode cache is
written. The first process to need it imports it once and keeps its three tables in a marshal file
in the user's cache directory (keyed by the model file's size and time); every later process
loads that in well under a second. The splitting itself is the library's own `split_compound`."""

import importlib
import importlib.util
import marshal
import os
import sys
import threading
import types
from collections.abc import Callable
from pathlib import Path

MODEL = "compound_split.de_ngram_probs"
DUTCH = "compound_split.nl_ngram_probs"  # imported by char_split, never used by us
TABLES = ("prefix", "infix", "suffix")

_lock = threading.Lock()
_split: Callable[[str], list[tuple[float, str, str]]] | None = None


def _cache_file() -> Path:
    spec = importlib.util.find_spec(MODEL)
    origin = Path(spec.origin) if spec and spec.origin else Path(MODEL)
    stat = origin.stat()
    # The user's own cache directory, not the shared /tmp: nobody else can put a file there.
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "schalter"
    home.mkdir(parents=True, exist_ok=True)
    return home / f"de-ngrams-{stat.st_size}-{int(stat.st_mtime)}.marshal"


def _install_model() -> None:
    if MODEL in sys.modules:
        return
    cache = _cache_file()
    try:
        tables = marshal.loads(cache.read_bytes())  # noqa: S302 - our own file, plain dicts
    except (OSError, EOFError, ValueError, TypeError):
        module = importlib.import_module(MODEL)  # the slow, once-only path
        tables = {name: getattr(module, name) for name in TABLES}
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(tables))
        partial.replace(cache)
        return
    module = types.ModuleType(MODEL)
    for name in TABLES:
        setattr(module, name, tables[name])
    sys.modules[MODEL] = module


def splitter() -> Callable[[str], list[tuple[float, str, str]]]:
    """compound-split's `split_compound` with the German model loaded (first call: loads it)."""
    global _split
    with _lock:
        if _split is None:
            _install_model()
            if DUTCH not in sys.modules:
                dutch = types.ModuleType(DUTCH)
                for name in TABLES:
                    setattr(dutch, name, {})
                sys.modules[DUTCH] = dutch
            char_split = importlib.import_module("compound_split.char_split")
            _split = char_split.split_compound
    return _split
