"""The service catalogue, shared by all offices by design; offices choose what they offer."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
