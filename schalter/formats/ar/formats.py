# Arabic formats on top of Django's (django/conf/locale/ar/formats.py): Arabic punctuation where
# Django's falls back to Latin. Django's Arabic file has no date-and-time formats, so the global
# "N j, Y, P" with Latin commas showed; its decimal separator is a Latin comma. The Arabic comma
# separates the parts of a date, the Arabic decimal separator (U+066B) the cents of a fee.
DATETIME_FORMAT = "j F، Y، g:i A"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y، g:i A"
DECIMAL_SEPARATOR = "\u066b"
THOUSAND_SEPARATOR = "\u066c"
