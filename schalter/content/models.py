"""Which German text each translation was made from, so staff see what needs translating again.

The texts themselves stay where they are (`{language: text}` JSON fields on catalogue and office
models); a row here remembers, per text and language, a hash of the German source at the time the
translation was saved. A translation without a row is taken as current: it was there before the
editor (demo data, imports by hand); the first change of the German text through the editor then
records the old German text for it, so it shows as outdated from then on.
"""

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from schalter.languages import translated


class TranslationState(models.Model):
    # Not office-scoped: catalogue texts are shared by all offices. Staff reach a row only through
    # `texts.text_get`, which checks that the object belongs to (or is offered by) their office.
    object_type = models.CharField(max_length=20)  # a kind of `texts.KINDS`: "office", "service"
    object_id = models.PositiveIntegerField()
    field = models.CharField(max_length=40)  # "name", "directions", "documents.0", …
    language = models.CharField(max_length=10)
    source_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["object_type", "object_id", "field", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "field", "language"],
                name="translation_state_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}:{self.field} [{self.language}]"


class OfficeNotice(models.Model):
    """A short notice for the call displays' ticker ("Today the cash desk closes at 12:00"),
    with its text per language (`{language: text}`, German required). Shown from `active_from`
    until `active_until`; either may be open."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="notices")
    text = models.JSONField(default=dict)
    active_from = models.DateTimeField(null=True, blank=True)
    active_until = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_from__isnull=True)
                | models.Q(active_until__isnull=True)
                | models.Q(active_until__gt=models.F("active_from")),
                name="office_notice_period",
            ),
        ]

    def __str__(self) -> str:
        return self.text_in("de")

    def text_in(self, language: str | None) -> str:
        return translated(self.text, language)
