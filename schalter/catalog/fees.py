"""Fees: Decimal only, one rounding rule."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def fee_for(
    *,
    base_fee: Decimal,
    minors_half_fee: bool,
    exempt_groups: list[str],
    minor: bool,
    group: str | None = None,
) -> Decimal:
    """The fee a person pays: nothing for an exempt group, half for a minor if the rule says so."""
    if group is not None and group in exempt_groups:
        return round_money(Decimal(0))
    if minor and minors_half_fee:
        return round_money(base_fee / 2)
    return round_money(base_fee)
