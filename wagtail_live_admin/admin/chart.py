"""Subscriber trends drawn as SVG on the server: no chart library, and readable as text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from .tables import format_cell, localized


def bucket_samples(
    samples: list[tuple[datetime, int]], *, since: datetime, until: datetime, buckets: int
) -> list[int]:
    """The highest sample in each of ``buckets`` equal spans from ``since`` to ``until``.

    A span without a sample counts 0: presence samples only channels someone watches.
    """
    values = [0] * buckets
    span = (until - since).total_seconds() / buckets
    for at, count in samples:
        if not since <= at <= until:
            continue
        # A sample taken at ``until`` itself belongs to the last span.
        index = min(int((at - since).total_seconds() // span), buckets - 1)
        values[index] = max(values[index], count)
    return values


def first_bucket(
    samples: list[tuple[datetime, int]], *, since: datetime, until: datetime, buckets: int
) -> int:
    """The index of the first span with a sample: those before it have no data.

    ``buckets`` where no sample falls between ``since`` and ``until``.
    """
    inside = [at for at, _ in samples if since <= at <= until]
    if not inside:
        return buckets
    span = (until - since).total_seconds() / buckets
    return min(int((min(inside) - since).total_seconds() // span), buckets - 1)


@cache
def _x_positions(count: int, width: int) -> tuple[str, ...]:
    step = width / max(count - 1, 1)
    return tuple(f"{index * step:.1f}" for index in range(count))


@dataclass(frozen=True)
class Chart:
    """The geometry of a line chart of ``values`` in a ``width`` x ``height`` box."""

    values: list[int]
    width: int
    height: int
    start: int = 0  # the values before it have no data: no line is drawn there

    @property
    def peak(self) -> int:
        return max(self.values, default=0)

    @property
    def points(self) -> str:
        """The polyline's points; the highest value touches the top, 0 the bottom."""
        if not self.values:
            return ""
        scale = (self.height - 2) / (self.peak or 1)  # 1px margin keeps the line visible
        # Each distinct value formatted once: a trend repeats few (the dashboard draws 50),
        # and its x positions are every sparkline's.
        ys = {value: f"{self.height - 1 - value * scale:.1f}" for value in set(self.values)}
        xs = _x_positions(len(self.values), self.width)
        return " ".join(
            f"{xs[index]},{ys[value]}"
            for index, value in enumerate(self.values)
            if index >= self.start
        )

    @property
    def no_data_width(self) -> float:
        """How far from the left the spans without data reach."""
        if self.start <= 0 or not self.values:
            return 0.0
        return min(self.start / max(len(self.values) - 1, 1), 1.0) * self.width


@cache
def _sparkline_label(language: str | None) -> str:
    # Translated once per language: the dashboard draws a sparkline on each of its rows.
    return gettext("Subscribers over time: highest %(peak)s, latest %(latest)s")


def sparkline_html(values: list[int]) -> SafeString:
    """The dashboard's small trend line, its highest and latest value as its label.

    Built in Python, not included: the dashboard draws one on each of its rows. The
    same trend is drawn once (most of a large site's channels have nobody, a flat line).
    """
    return _sparkline(tuple(values), get_language())


@lru_cache(maxsize=1024)
def _sparkline(values: tuple[int, ...], language: str | None) -> SafeString:
    chart = Chart(list(values), width=96, height=24)
    label = _sparkline_label(language) % {
        "peak": localized(chart.peak),
        "latest": localized(values[-1] if values else 0),
    }
    return format_cell(
        '<svg class="live-sparkline" width="{width}" height="{height}" '
        'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<polyline points="{points}" fill="none" stroke="currentColor" stroke-width="1.5" '
        'vector-effect="non-scaling-stroke" /></svg>',
        width=chart.width,
        height=chart.height,
        label=label,
        points=chart.points,
    )
