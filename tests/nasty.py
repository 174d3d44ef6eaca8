"""Nasty input, shared by every hostile-input test (issue 11, "Hostile input everywhere"): strings
an attacker, a confused browser or a careless copy-and-paste sends, and a hypothesis strategy that
mixes them with arbitrary text.

`STRINGS` are str (what a form field or a JSON value can hold); `RAW_BYTES` are byte strings that
are not valid UTF-8 (lone surrogates, overlong forms), for raw request bodies and query strings.
`FUZZ_EXAMPLES` is how many examples a fuzz test tries: bounded in `make test`, thousands in
`make fuzz` (SCHALTER_FUZZ_EXAMPLES)."""

import os

from hypothesis import strategies as st

FUZZ_EXAMPLES = int(os.environ.get("SCHALTER_FUZZ_EXAMPLES", "0") or 0)


def examples(bounded: int) -> int:
    """The number of examples for one fuzz test: `bounded` in `make test`, the fuzz count in
    `make fuzz`."""
    return FUZZ_EXAMPLES or bounded


BIDI = [
    "\u202eevil\u202c",  # right-to-left override, popped
    "\u202e",  # an override never closed
    "abc\u202dlrm\u202c",  # left-to-right override
    "\u202bembedded\u202c",  # right-to-left embedding
    "\u202aembedded\u202c",  # left-to-right embedding
    "\u2066isolate\u2069\u2067rtl\u2069\u2068first\u2069",  # isolates
    "\u200f\u200e",  # marks
    "Ali \u202egnp.exe",  # the filename trick
]

ZERO_WIDTH = [
    "\u200b",  # zero-width space alone
    "\u200b\u200b\u200b",
    "\u200c",  # ZWNJ alone
    "\u200d",  # ZWJ alone
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    "\u200b\u202e\u200c\u2066\u200d",  # only invisible characters and overrides
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler (looks blank, is a letter)
]

PERSIAN = [
    "می\u200cخواهم",  # ZWNJ inside a word: must survive
    "نیم\u200cفاصله",
    "خانه\u200cها",
    "\u200cمی\u200cخواهم\u200c",  # ZWNJ at the edges too
    "محمد رضا\u200b",  # a zero-width space after a name
    "عبدالله\u202e",
    "ک\u064eتاب",  # Arabic diacritic
]

COMBINING = [
    "e\u0301",  # e + acute (NFC: é)
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a",
    "a" + "\u0300" * 200,  # a pile of marks
    "\u0958" * 120,  # composition exclusion: NFC makes each two characters
    "\ufb2c" * 60,  # Hebrew presentation form: NFC makes each three
    "\u0301",  # a mark with nothing to sit on
    "ﷺ",  # one character, wide
    "Å",  # angstrom sign (NFC: Å)
]

EMOJI = [
    "😀",
    "👨\u200d👩\u200d👧\u200d👦",  # family (ZWJ sequence)
    "🏳\ufe0f\u200d🌈",
    "👩🏽\u200d💻",
    "🇩🇪🇹🇷🇸🇾",
    "😀" * 200,
    "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1",
]

LONG = [
    "A" * 121,
    "A" * 255,
    "Ö" * 1000,
    "x" * 10_000,
    "a " * 3000,
    "ü" * 65_536,
]

INJECTION = [
    "'; DROP TABLE appointments_appointment; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "Robert'); DELETE FROM auth_user;--",
    "%' AND 1=1 --",
    "\\",
    "%",
    "_",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "%(name)s",
    "%s%s%s%n",
    "{0}",
    "Ali\r\nBcc: all@example.org",
    "Ali\nSubject: Hi",
    "=cmd|' /C calc'!A0",  # spreadsheet formula
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "%2e%2e/",
    "/etc/passwd\x00.png",
    "C:\\Windows\\system32",
    "file:///etc/passwd",
    "http://169.254.169.254/latest/meta-data/",
]

CONTROL = [
    "\x00",
    "Ali\x00Veli",
    "\x00" * 50,
    "\x01\x02\x03\x07\x08\x1b[31m",
    "\x7f",
    "\x85",  # next line (C1)
    "\u2028\u2029",  # line and paragraph separators
    "\r",
    "\n\n\n",
    "\t",
    "\x0b\x0c",
    "\ud800",  # a lone surrogate (cannot be encoded as UTF-8)
    "a\udfffb",
    "\ue000",  # private use
    "\U0010ffff",
    "\ufffd",
    "\uffff",
]

NUMBERS = [
    "0",
    "-1",
    "-0",
    "00",
    "1e3",
    "1.5",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "١٢٣",  # Arabic-Indic digits
    "۱۲۳",  # Persian digits
    "１２",  # full-width digits
    "9" * 19,
    "9223372036854775807",  # 2**63 - 1
    "9223372036854775808",  # 2**63
    "-9223372036854775809",
    "18446744073709551616",  # 2**64
    "9" * 400,
    " 1 ",
    "1_000",
    "+1",
]

DATES = [
    "2026-02-30",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-13-01",
    "2026-1-1",
    "20261201T0810",
    "20261201T2599",
    "99991231T2359",
    "2026-12-01T08:10:00+25:00",
    "1970-01-01T00:00:00Z",
    "-1-01-01",
    "today",
]

PLAIN = ["", " ", "  ", "a", "Ayşe Yılmaz", "Łukasz Żółć", "Đặng Thị", "张伟", "null", "None"]

STRINGS: list[str] = [
    *PLAIN,
    *BIDI,
    *ZERO_WIDTH,
    *PERSIAN,
    *COMBINING,
    *EMOJI,
    *LONG,
    *INJECTION,
    *CONTROL,
    *NUMBERS,
    *DATES,
]

# Not valid UTF-8: sent as raw bytes in request bodies and query strings.
RAW_BYTES: list[bytes] = [
    b"\xff\xfe",
    b"\xc0\xaf",  # overlong "/"
    b"\xed\xa0\x80",  # a surrogate encoded as UTF-8
    b"\x80abc",
    b"Ali\xe2\x80",  # cut in the middle of a character
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\x00\xff",
]

# Strings that hold something a person could read, but nothing visible once the one rule for
# typed text (schalter.text) has cleaned them: a name made of these is refused.
INVISIBLE = [
    "\u200b",
    "\u200b\u200b\u200b",
    "\u202e",
    "\u202e\u202c",
    "\u2066\u2069",
    "\ufeff",
    "\u2060\u200b",
    "\x00",
    "\u202e\u200b\u2066 \u2069\u202c",
    "\r\n\t",
]

NUMBER_VALUES = [0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**400]


def nasty_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """One of the nasty strings, arbitrary text (every code point, surrogates included), or the
    two glued together."""
    known = st.sampled_from(STRINGS)
    arbitrary = st.text(
        alphabet=st.one_of(
            st.characters(),
            st.characters(codec=None, categories=["Cc", "Cf", "Cs", "Co", "Mn", "Zl", "Zp"]),
            st.sampled_from(["\u200c", "\u200d", "\u202e", "\x00", "\r", "\n", "'", "<", "%"]),
        ),
        max_size=max_size,
    )
    return st.one_of(
        known,
        known,
        arbitrary,
        st.tuples(known, arbitrary, known).map("".join),
    )


def nasty_value(max_size: int = 80) -> st.SearchStrategy[str]:
    """A nasty string that can travel in a form post or a query string (UTF-8 encodable)."""
    return st.one_of(nasty_text(max_size), st.sampled_from(NUMBERS + DATES)).map(utf8_safe)


def utf8_safe(text: str) -> str:
    """What a browser sends for `text`: lone surrogates cannot travel as UTF-8 and arrive as
    U+FFFD (their raw-byte forms are in RAW_BYTES)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
