"""The one analyzer of the knowledge search, used when an article is indexed and when staff
search, on PostgreSQL and SQLite alike (the databases only store and rank its terms).

A text becomes terms: words in lower case, stemmed with the German Snowball stemmer
("Chancenkarten" and "Chancenkarte" both give `chancenkart`); long words also give the stems of
their compound parts when compound-split is confident (Aufenthaltserlaubnis → `aufenthalt`,
`erlaubnis`), so a part finds the whole; legal references in any common spelling give one term
(`§18g`, `18g AufenthG`, `Paragraph 18 g` → `aufenthg18g`). A query is the same analysis kept as
clauses: every word must match, either as its stem or as all of its compound parts."""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import snowballstemmer

from schalter.knowledge.compounds import splitter
from schalter.knowledge.legal import references_in

WORD = re.compile(r"[^\W_]+")
# compound-split scores its best split; below this it guesses ("Änderungen" → 0.31).
SPLIT_CONFIDENCE = 0.5
SPLIT_MIN_LENGTH = 8
PART_MIN_LENGTH = 3
# Words too common to search for: they would make every query demand them.
STOPWORDS = frozenset(
    [
        "aber",
        "alle",
        "als",
        "also",
        "am",
        "an",
        "auch",
        "auf",
        "aus",
        "bei",
        "bis",
        "da",
        "das",
        "dass",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "dies",
        "diese",
        "dieser",
        "doch",
        "du",
        "durch",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "er",
        "es",
        "für",
        "hat",
        "hatte",
        "ich",
        "ihr",
        "im",
        "in",
        "ist",
        "ja",
        "kann",
        "man",
        "mit",
        "muss",
        "nach",
        "nicht",
        "noch",
        "nur",
        "ob",
        "oder",
        "sich",
        "sie",
        "sind",
        "so",
        "um",
        "und",
        "uns",
        "vom",
        "von",
        "vor",
        "war",
        "was",
        "wenn",
        "werden",
        "wie",
        "wir",
        "wird",
        "zu",
        "zum",
        "zur",
        "über",
    ]
)

_stemmer = snowballstemmer.stemmer("german")
_stem_lock_free = functools.lru_cache(maxsize=200_000)


@_stem_lock_free
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


@functools.lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The stems of a word's two parts when the splitter is confident, else ()."""
    if len(word) < SPLIT_MIN_LENGTH or not word.isalpha():
        return ()
    best = splitter()(word)[0]
    score, first, second = best
    if score < SPLIT_CONFIDENCE or min(len(first), len(second)) < PART_MIN_LENGTH:
        return ()
    return (stem(first.lower()), stem(second.lower()))


def words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.lower()) if word not in STOPWORDS]


def terms(text: str) -> list[str]:
    """The terms an indexed text is found by (repeats kept: they count for ranking)."""
    found: list[str] = []
    for word in words(text):
        found.append(stem(word))
        found.extend(compound_parts(word))
    found.extend(reference.token for reference in references_in(text))
    return found


# One way a query word matches: all of these terms (a stem alone, or a compound's parts).
Alternative = tuple[str, ...]


@dataclass(frozen=True)
class Query:
    # Every clause must match; a clause matches through any of its alternatives.
    clauses: tuple[tuple[Alternative, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def terms(self) -> list[str]:
        return sorted({term for clause in self.clauses for alt in clause for term in alt})

    def tsquery(self) -> str:
        """For PostgreSQL's to_tsquery('simple', …): terms are plain letters and digits."""
        return " & ".join(
            "(" + " | ".join("(" + " & ".join(alt) + ")" for alt in clause) + ")"
            for clause in self.clauses
        )

    def prefix_tsquery(self) -> str:
        """For highlighting the original text: a stem finds its inflected forms as prefixes."""
        return " | ".join(f"{term}:*" for term in self.terms)

    def fts5(self) -> str:
        """For SQLite's FTS5 MATCH: quoted terms, AND/OR as in `tsquery`."""
        return " AND ".join(
            "("
            + " OR ".join("(" + " AND ".join(f'"{t}"' for t in alt) + ")" for alt in clause)
            + ")"
            for clause in self.clauses
        )


def query(text: str) -> Query:
    """Analyse what someone typed into the search field."""
    clauses: list[tuple[Alternative, ...]] = []
    rest = text
    for reference in references_in(text):
        clauses.append(((reference.token,),))
        rest = rest.replace(reference.text, " ")
    for word in words(rest):
        alternatives: list[Alternative] = [(stem(word),)]
        if parts := compound_parts(word):
            alternatives.append(parts)
        clause = tuple(dict.fromkeys(alternatives))
        if clause not in clauses:
            clauses.append(clause)
    return Query(tuple(clauses))


def document(parts: Iterable[str]) -> str:
    """The terms of several texts (title, body, references, tags) as one space-separated string."""
    return " ".join(term for part in parts for term in terms(part))
