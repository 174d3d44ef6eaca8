"""Legal references as staff write them: `§ 18g AufenthG`, `§18g`, `18g AufenthG`,
`Paragraph 18 g Abs. 2 Satz 1 BeschV`, `§§ 18a, 18b AufenthG`. Each becomes (law, section) and,
for a law we know, a link to its text on gesetze-im-internet.de. Nothing is fetched."""

import re
from dataclasses import dataclass

# The laws immigration offices work with, as written → their path on gesetze-im-internet.de.
KNOWN_LAWS: dict[str, str] = {
    "AufenthG": "aufenthg_2004",
    "AufenthV": "aufenthv",
    "BeschV": "beschv_2013",
    "StAG": "stag",
    "AsylG": "asylvfg_1992",
    "AsylbLG": "asylblg",
    "FreizügG/EU": "freiz_gg_eu_2004",
    "JVEG": "jveg",
    "VwVfG": "vwvfg",
    "SGB II": "sgb_2",
    "BAföG": "baf_g",
    "GG": "gg",
}
# A reference without a law in an immigration office means the residence act.
DEFAULT_LAW = "AufenthG"
# Written without the umlaut or with a different case, the law is still recognised.
_LAW_SPELLINGS = {
    re.sub(r"[^a-z0-9]", "", law.lower().replace("ü", "ue").replace("ö", "oe")): law
    for law in KNOWN_LAWS
}
_LAW = r"(?P<law>[A-Za-zÄÖÜäöüß]+(?:/EU|\s(?:II|III|V|IX|XII))?(?=\W|$))"
_SECTION = r"(?P<section>\d{1,3}\s?[a-z]?)(?![\w])"
_DETAIL = r"(?P<detail>(?:\s*(?:Abs\.|Absatz|Satz|S\.|Nr\.|Nummer)\s*\d{1,3}[a-z]?)*)"
# "§ 18g AufenthG", "§§ 18a AufenthG", "Paragraph 18 g", "Paragraf 18g"
_MARKED = re.compile(
    r"(?:§§?|\b[Pp]aragra(?:ph|f)(?:en)?)\s*" + _SECTION + _DETAIL + r"(?:\s+" + _LAW + r")?"
)
# "18g AufenthG" (no §): only with a law we know, else any number followed by a word would count.
_BARE = re.compile(r"\b" + _SECTION + _DETAIL + r"\s+" + _LAW)


@dataclass(frozen=True)
class LegalReference:
    law: str  # as written in the catalogue above, or as the author wrote an unknown one
    section: str  # "18g"
    text: str  # the reference as written
    known: bool

    @property
    def url(self) -> str:
        if not self.known:
            return ""
        return f"https://www.gesetze-im-internet.de/{KNOWN_LAWS[self.law]}/__{self.section}.html"

    @property
    def label(self) -> str:
        return f"§ {self.section} {self.law}"

    @property
    def token(self) -> str:
        """One search term for the reference, whatever its spelling: `aufenthg18g`."""
        return law_token(self.law) + self.section

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "law": self.law,
            "section": self.section,
            "text": self.text,
            "known": self.known,
            "url": self.url,
        }


def law_token(law: str) -> str:
    return re.sub(r"[^a-z]", "", law.lower().replace("ü", "ue").replace("ö", "oe"))


def known_law(written: str) -> str | None:
    return _LAW_SPELLINGS.get(
        re.sub(r"[^a-z0-9]", "", written.lower().replace("ü", "ue").replace("ö", "oe"))
    )


def _reference(match: re.Match[str], *, law_required: bool) -> LegalReference | None:
    section = re.sub(r"\s", "", match.group("section")).lower()
    written_law = match.group("law")
    if written_law is None:
        if law_required:
            return None
        return LegalReference(DEFAULT_LAW, section, match.group(0).strip(), True)
    law = known_law(written_law)
    if law is not None:
        return LegalReference(law, section, match.group(0).strip(), True)
    # A capitalised word after a marked section that is not a law we know ("§ 18g Die ...") is
    # only taken for an unknown law when it looks like one (ends in G, V, O or is all capitals).
    if re.fullmatch(r"[A-ZÄÖÜ][A-Za-zÄÖÜäöüß]*[GVO](?:/EU)?|[A-ZÄÖÜ]{2,}", written_law):
        return LegalReference(written_law, section, match.group(0).strip(), False)
    if law_required:
        return None
    return LegalReference(
        DEFAULT_LAW, section, match.group(0)[: match.start("law") - match.start(0)].strip(), True
    )


def references_in(text: str) -> list[LegalReference]:
    """Every reference in `text`, each (law, section) once, in order of first appearance."""
    found: list[tuple[int, LegalReference]] = []
    taken: list[tuple[int, int]] = []
    for match in _MARKED.finditer(text):
        reference = _reference(match, law_required=False)
        if reference is not None:
            found.append((match.start(), reference))
            taken.append(match.span())
    for match in _BARE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        reference = _reference(match, law_required=True)
        if reference is not None:
            found.append((match.start(), reference))
    seen: set[tuple[str, str]] = set()
    result = []
    for _, reference in sorted(found, key=lambda item: item[0]):
        if (reference.law, reference.section) not in seen:
            seen.add((reference.law, reference.section))
            result.append(reference)
    return result
