"""The service catalogue, shared by all offices by design; offices choose what they offer."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from schalter.catalog.fees import fee_for
from schalter.languages import translated

leika_validator = RegexValidator(r"^\d{14}$", _("A LeiKa key has 14 digits."))


class Service(models.Model):
    slug = models.SlugField(unique=True, max_length=60)
    name = models.JSONField(default=dict)
    # What the service is and who needs it: `{language: text}`, one or two sentences each.
    summary = models.JSONField(default=dict, blank=True)
    audience = models.JSONField(default=dict, blank=True)
    leika_key = models.CharField(max_length=14, blank=True, validators=[leika_validator])
    legal_basis = models.CharField(max_length=200, blank=True)
    default_duration_minutes = models.PositiveSmallIntegerField(default=15)
    base_fee = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"))
    minors_half_fee = models.BooleanField(default=True)
    exempt_groups = models.JSONField(default=list, blank=True)  # keys of FEE_EXEMPT_GROUPS
    # Each document is `{language: text}`; the list is the checklist clients see.
    documents = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(base_fee__gte=0), name="service_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name_in("de")

    def save(self, *args, **kwargs) -> None:
        # A copy read for an office's pages carries that office's own wording (`worded_for`):
        # saving it would hand one office's texts to every office.
        if getattr(self, "worded_for", None) is not None:
            raise ValueError("this copy carries an office's own wording; save the shared service")
        super().save(*args, **kwargs)

    def name_in(self, language: str | None) -> str:
        return translated(self.name, language)

    def documents_in(self, language: str | None) -> list[str]:
        return [translated(document, language) for document in self.documents]

    def fee(self, *, minor: bool = False, group: str | None = None) -> Decimal:
        return fee_for(
            base_fee=self.base_fee,
            minors_half_fee=self.minors_half_fee,
            exempt_groups=self.exempt_groups,
            minor=minor,
            group=group,
        )


class ServiceTextOverride(models.Model):
    """One office's own wording of one text of a catalogue service (`{language: text}`), shown on
    that office's pages instead of the shared text; other offices keep the shared one. `field`
    is named as in the content editor: "name", "summary", "audience", "documents.<n>". Shared
    texts are edited by the installation's operator only (`content.services`)."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="service_text_overrides"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="text_overrides")
    field = models.CharField(max_length=40)
    texts = models.JSONField(default=dict)

    objects = ScopedManager(office="office")

    class Meta:
        ordering = ["service_id", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service", "field"], name="service_text_override_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}:{self.field}@{self.office_id}"
