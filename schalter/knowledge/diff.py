"""Word-level comparison of two texts, side by side: the left column marks what went, the right
what came. Both are escaped before marking, so nothing in an article becomes markup here."""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class SideBySide:
    left: SafeString
    right: SafeString
    changed: bool


def word_diff(old: str, new: str) -> SideBySide:
    before, after = TOKEN.findall(old), TOKEN.findall(new)
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        gone, came = escape("".join(before[a1:a2])), escape("".join(after[b1:b2]))
        if op == "equal":
            left.append(gone)
            right.append(came)
            continue
        if gone:
            left.append(f"<del>{gone}</del>")
        if came:
            right.append(f"<ins>{came}</ins>")
    return SideBySide(
        mark_safe("".join(left)),  # noqa: S308 - every piece escaped above
        mark_safe("".join(right)),  # noqa: S308
        changed=before != after,
    )
