from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override

from schalter.languages import LANGUAGES, Language, language_for


@dataclass
class LanguageLink:
    """This page in one language. The URL is worked out only when a template reads it: the
    staff pages list the languages without links, and resolving the path once per language
    cost a staff page several milliseconds."""

    language: Language
    path: str
    current: bool

    @cached_property
    def url(self) -> str:
        return translate_url(self.path, self.language.code)


def languages(request: HttpRequest) -> dict[str, object]:
    """The active language for <html lang dir>, and links to this page in every language."""
    current = language_for(get_language())
    path = request.get_full_path()
    with override("de-x-ls"):
        easy_read_url = reverse("public:help")
    return {
        "current_language": current,
        "easy_read_url": easy_read_url,
        "language_links": [
            LanguageLink(language, path, language.code == current.code) for language in LANGUAGES
        ],
    }
