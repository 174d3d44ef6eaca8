# Arabic formats on top of Django's (django/conf/locale/ar/formats.py): Arabic punctuation where
# Django's falls back to Latin. Django's Arabic file has no date-and-time formats, so the global
# "N j, Y, P" with Latin commas showed; its decimal separator is a Latin comma. The Arabic comma
# separates the parts of a date. Digits stay Latin (as on the letters and displays she compares
# them with), so the separators are those CLDR gives Arabic with Latin digits: "12.50".
DATETIME_FORMAT = "j F، Y، H:i"  # 24 hours, as on her letter and the display
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y، H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
