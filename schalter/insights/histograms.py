"""Per-minute histograms ({"minutes": count}, keys as strings for JSON) and the exact median and
p90 read from them. The quantile is the nearest rank: the smallest value at or below which at
least ⌈p·n⌉ of the n values lie (the lower median for p = ½), the same on raw values
(`quantile_of`) as on a merged histogram (`quantile`)."""

import math
from collections import Counter
from collections.abc import Iterable, Mapping


def histogram_of(values: Iterable[int]) -> dict[str, int]:
    return {str(value): count for value, count in sorted(Counter(values).items())}


def merged(histograms: Iterable[Mapping[str, int]]) -> Counter[int]:
    total: Counter[int] = Counter()
    for histogram in histograms:
        for key, count in histogram.items():
            total[int(key)] += int(count)
    return total


def quantile(histogram: Mapping[int, int], p: float) -> int | None:
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(p * n))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)  # not reached: seen ends at n ≥ rank


def quantile_of(values: Iterable[int], p: float) -> int | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(p * len(ordered))) - 1]


def mean(histogram: Mapping[int, int]) -> float | None:
    n = sum(histogram.values())
    if n == 0:
        return None
    return sum(value * count for value, count in histogram.items()) / n
