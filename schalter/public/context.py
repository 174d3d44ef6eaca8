from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override

from schalter.languages import LANGUAGES, language_for


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
            {
                "language": language,
                "url": translate_url(path, language.code),
                "current": language.code == current.code,
            }
            for language in LANGUAGES
        ],
    }
