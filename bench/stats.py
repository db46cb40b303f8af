"""Percentiles and the summary of repeated measurements (median of repetitions, spread min..max)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """Return the ``q``-th percentile (0..100) of ``values`` by the nearest-rank method.

    Args:
        values: the samples; must not be empty.
        q: the percentile, 0 to 100.
    """
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Rep:
    """One repetition: its samples (seconds) reduced to p50, p99 and max."""

    p50: float
    p99: float
    max: float
    n: int

    @classmethod
    def of(cls, samples: Sequence[float]) -> Rep:
        """Summarise one repetition's samples.

        Args:
            samples: latencies in seconds.
        """
        return cls(p50=percentile(samples, 50), p99=percentile(samples, 99), max=max(samples), n=len(samples))


@dataclass(frozen=True)
class Figure:
    """Several repetitions of one measurement: the median across repetitions and the spread."""

    reps: tuple[Rep, ...]

    @property
    def p50(self) -> float:
        """Median across repetitions of each repetition's p50."""
        return statistics.median(r.p50 for r in self.reps)

    @property
    def p99(self) -> float:
        """Median across repetitions of each repetition's p99."""
        return statistics.median(r.p99 for r in self.reps)

    @property
    def max(self) -> float:
        """The slowest single sample of all repetitions."""
        return max(r.max for r in self.reps)

    @property
    def p50_spread(self) -> tuple[float, float]:
        """Lowest and highest p50 among the repetitions."""
        return min(r.p50 for r in self.reps), max(r.p50 for r in self.reps)

    @property
    def p99_spread(self) -> tuple[float, float]:
        """Lowest and highest p99 among the repetitions."""
        return min(r.p99 for r in self.reps), max(r.p99 for r in self.reps)

    def shifted(self, offset: float) -> Figure:
        """Return the same figure with ``offset`` seconds added to every statistic (used to subtract latency).

        Args:
            offset: seconds to add (negative to subtract).
        """
        return Figure(
            tuple(Rep(p50=r.p50 + offset, p99=r.p99 + offset, max=r.max + offset, n=r.n) for r in self.reps)
        )


def ms(seconds: float) -> str:
    """Format seconds as milliseconds with a sensible precision.

    Args:
        seconds: the duration.
    """
    value = seconds * 1000
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


def describe(fig: Figure) -> str:
    """Render ``p50 [lo-hi] / p99 [lo-hi] ms`` for a report table cell.

    Args:
        fig: the figure.
    """
    lo50, hi50 = fig.p50_spread
    lo99, hi99 = fig.p99_spread
    return f"{ms(fig.p50)} [{ms(lo50)}–{ms(hi50)}] / {ms(fig.p99)} [{ms(lo99)}–{ms(hi99)}]"
