"""Interpreters on a fee basis: the pool, its availability, assignments and the fee rates."""

from decimal import Decimal

from django.db import models

from schalter.interpreters.fees import Rate
from schalter.offices.models import Office


class FeeRate(models.Model):
    """One version of the fee rules. Without an office: the statutory JVEG rates every office
    applies; with one: that office's own framework agreement (§ 14). Effective dated: a new
    version ends the old one on a date rather than editing it in place."""

    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interpreter_fee_rates",
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    hourly = models.DecimalField(max_digits=8, decimal_places=2)
    per_km = models.DecimalField(max_digits=6, decimal_places=2)
    surcharge_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(20))
    cancellation_hours = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal(2))
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(19))

    class Meta:
        ordering = ["office_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="interpreter_fee_rate_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hourly} €/h from {self.valid_from}"

    def as_rate(self) -> Rate:
        return Rate(
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            hourly=self.hourly,
            per_km=self.per_km,
            surcharge_percent=self.surcharge_percent,
            cancellation_hours=self.cancellation_hours,
            vat_percent=self.vat_percent,
        )
