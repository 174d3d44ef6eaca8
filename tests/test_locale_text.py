"""Right-to-left details (issue 12, "Fix the class"): phone numbers, codes, ticket numbers and
fees isolated left to right by one filter; Arabic punctuation in Arabic dates and fees; Dari's
own spelling of the Gregorian months; Dari e-mail subjects spelled right."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest
from django.template import engines
from django.utils import formats, translation

from schalter.appointments.notifications import SUBJECTS
from schalter.locale_text import LRI, PDI

MOMENT = datetime.datetime(2031, 1, 6, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
ARABIC_SCRIPT = ("ar", "fa", "fa-af")
TEMPLATES = Path(__file__).resolve().parent.parent / "schalter" / "templates"


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return engines["django"].from_string("{% load localtext %}" + source).render(context)


def test_ltr_isolates_in_html_and_in_text():
    assert render("{{ v|ltr }}", "ar", v="+49 611 310") == '<bdi dir="ltr">+49 611 310</bdi>'
    assert render("{{ v|ltr }}", "ar", v="<b>") == '<bdi dir="ltr">&lt;b&gt;</bdi>'
    text = render("{% autoescape off %}{{ v|ltr }}{% endautoescape %}", "ar", v="K7Q2")
    assert text == f"{LRI}K7Q2{PDI}"
    assert render("{{ v|ltr }}", "ar", v="") == ""


@pytest.mark.parametrize("language", ARABIC_SCRIPT)
def test_dates_in_arabic_script_use_the_arabic_comma(language):
    said = render("{{ m|day_and_time }}", language, m=MOMENT)
    assert "," not in said and "\u060c" in said, said
    assert '<bdi dir="ltr">' in said
    with translation.override(language):
        for name in ("DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert "," not in formats.date_format(MOMENT, name), name


def test_dates_in_german_keep_the_latin_comma():
    assert render("{{ m|day_and_time }}", "de", m=MOMENT).startswith("Montag, 6. Januar 2031, ")


def test_fees_in_arabic_use_the_latin_digit_separators_of_arabic_and_read_left_to_right():
    said = render("{{ fee|euro }}", "ar", fee=Decimal("12.5"))
    assert said == '<bdi dir="ltr">12.50 €</bdi>'
    assert render("{{ fee|euro }}", "de", fee=Decimal("12.5")) == '<bdi dir="ltr">12,50 €</bdi>'


AFGHAN_MONTHS = [
    "جنوری",
    "فبروری",
    "مارچ",
    "اپریل",
    "می",
    "جون",
    "جولای",
    "اگست",
    "سپتمبر",
    "اکتوبر",
    "نومبر",
    "دسمبر",
]


def test_dari_writes_the_gregorian_months_as_in_afghanistan():
    for month, name in enumerate(AFGHAN_MONTHS, start=1):
        day = datetime.date(2031, month, 5)
        with translation.override("fa-af"):
            assert formats.date_format(day, "F") == name
            assert formats.date_format(day, "E") == name
            assert formats.date_format(day, "N") == name
            assert name in formats.date_format(day, "DATE_FORMAT")
    with translation.override("fa"):  # Persian (Iran) keeps its own spelling
        assert formats.date_format(datetime.date(2031, 1, 5), "F") == "ژانویه"


def test_dari_mail_subjects_join_the_pronoun_suffix():
    """The suffix -tān ("your") is joined with a zero-width non-joiner, as in "ملاقات‌تان";
    written apart ("ملاقات تان") it is a typo. No Arabic yeh or kaf in Dari either."""
    path = Path("schalter/locale/fa_AF/LC_MESSAGES/django.po")
    catalogue = {entry.msgid: entry.msgstr for entry in polib.pofile(str(path))}
    for subject in SUBJECTS.values():
        text = catalogue[subject]
        assert text, subject
        assert not re.search(r"[\u0600-\u06ff] تان\b", text), text
        assert not re.search("[\u064a\u0643]", text), text


VALUE = (
    r"(?:[\w.]*\.)?(?:phone|booking_code|fee|fee_minor)|(?:appointment|ticket|call|a|p)\.code|code"
)
# Where markup cannot go: a page's <title>, an attribute.
NO_MARKUP = re.compile(r"(<title>|{% block title %}|=\"[^\"<>]*)$")


def test_codes_phones_and_fees_go_through_the_ltr_filter():
    """In every template a client reads (pages, e-mails, tickets, flyers, the display), a phone
    number, booking code, ticket number or fee is shown through `ltr` (or `euro`), also as a
    placeholder of a translated sentence; and no block with dir="ltr" holds one (it aligned the
    big ticket number against the Arabic text)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        if name.startswith("staff/") or "/staff_" in name:
            continue
        source = path.read_text()
        for match in re.finditer(r"\{\{ (" + VALUE + r")(\|[^}]*)? ?\}\}", source):
            filters = match.group(2) or ""
            before = source[: match.start()]
            if "|ltr" in filters or "|euro" in filters or NO_MARKUP.search(before):
                continue
            if before.rfind("{% blocktranslate") > before.rfind("{% endblocktranslate"):
                continue  # a placeholder: its `with` argument is checked below
            offenders.append(f"{name}: {match.group(0)}")
        for match in re.finditer(r"{% blocktranslate[^%]*? with ([^%]*)%}", source):
            if NO_MARKUP.search(source[: match.start()]):
                continue
            body = source[match.end() : source.find("{% endblocktranslate", match.end())]
            for argument in match.group(1).split():
                key, _, value = argument.partition("=")
                isolated = f'<bdi dir="ltr">{{{{ {key} }}}}</bdi>' in body
                if (
                    re.fullmatch(VALUE, value.split("|")[0])
                    and "|ltr" not in value
                    and not isolated
                ):
                    offenders.append(f"{name}: blocktranslate with {argument}")
        for match in re.finditer(
            r'<(p|dd|div|td)\b[^>]*dir="ltr"[^>]*>\{\{ (' + VALUE + r")\b", source
        ):
            offenders.append(f"{name}: {match.group(0)}")
    assert not offenders, "\n".join(offenders)


def test_numbers_through_ltr_are_in_the_readers_format():
    assert render("{{ v|ltr }}", "ar", v=Decimal("50.00")) == '<bdi dir="ltr">50.00</bdi>'
    assert render("{% semicolon %}", "ar") == "\u061b " and render("{% semicolon %}", "de") == "; "


def test_long_words_get_soft_hyphens_by_their_languages_rules():
    from schalter.locale_text import hyphenate

    assert hyphenate("Aufenthaltserlaubnisverlängerung Abholung", "de") == (
        "Auf\u00adent\u00adhalts\u00ader\u00adlaub\u00adnis\u00adver\u00adlän\u00adge\u00adrung"
        " Abholung"
    )
    assert hyphenate("Voraussichtliche", "de-x-ls").count("\u00ad") > 2
    assert hyphenate("الانتظارالمتوقعالطويل", "ar") == "الانتظارالمتوقعالطويل"  # no rules: as is
    assert render("{{ t|hyphenate:'de' }}", "de", t="<Aufenthaltserlaubnis>").startswith("&lt;")
