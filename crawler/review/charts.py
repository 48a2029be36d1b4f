"""Charts as server-side SVG: this module computes the shapes, a template macro draws them.

No chart library and no script: the dashboard works offline and under a CSP
without ``unsafe-inline``. Shapes carry numbers and labels only; labels (country
codes, category names, dates) are written by the template with Jinja's escaping
like any other text, and colours are SVG presentation attributes, not CSS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

#: Okabe-Ito colours (readable with the common colour-vision deficiencies), then greys.
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
                            "#000000", "#999999", "#666666")  # fmt: skip
RISK_COLOURS: dict[str, str] = {"high": "#D55E00", "medium": "#E69F00", "low": "#56B4E9", "none": "#999999"}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    tip: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Chart:
    title: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    grid: list[Line] = field(default_factory=list)
    polyline: str = ""
    dots: list[Rect] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    empty: bool = False


def nice_max(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value`` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _label_room(labels: Iterable[str]) -> int:
    """Pixels left of horizontal bars for their labels (11 px text: about 6.5 px a character)."""
    return int(min(220, max(40, 12 + 6.5 * max((len(label) for label in labels), default=0))))


def _y_axis(chart: Chart, top: float, bottom: float, left: float, right: float, peak: int) -> None:
    for fraction in (0, 0.5, 1):
        y = bottom - (bottom - top) * fraction
        chart.grid.append(Line(left, y, right, y))
        value = peak * fraction
        chart.labels.append(Label(left - 6, y + 4, f"{value:,.0f}" if value == int(value) else f"{value:,.1f}", "end"))


def stacked_columns(
    title: str, columns: list[str], series: dict[str, list[int]], colours: dict[str, str], width: int = 720
) -> Chart:
    """One column per entry of ``columns`` (e.g. weeks), stacked by series (e.g. categories)."""
    height, top, bottom, left, right = 300, 16, 250, 56, width - 10
    chart = Chart(title, width, height, legend=[(colours[s], s) for s in series])
    totals = [sum(values[i] for values in series.values()) for i in range(len(columns))]
    chart.empty = not any(totals)
    peak = nice_max(max(totals, default=0))
    _y_axis(chart, top, bottom, left, right, peak)
    slot = (right - left) / max(len(columns), 1)
    for i, column in enumerate(columns):
        x = left + i * slot + slot * 0.15
        y = float(bottom)
        for name, values in series.items():
            h = (bottom - top) * values[i] / peak
            if values[i]:
                chart.rects.append(Rect(x, y - h, slot * 0.7, h, colours[name], f"{column}: {name} {values[i]:,}"))
            y -= h
        chart.labels.append(Label(x + slot * 0.35, bottom + 16, column, "middle"))
    return chart


def horizontal_bars(title: str, items: list[tuple[str, int]], colour: str = PALETTE[0], width: int = 480) -> Chart:
    """One bar per (label, value), longest first as given."""
    row, top, left, right = 24, 8, _label_room(name for name, _ in items), width - 60
    chart = Chart(title, width, top + row * max(len(items), 1) + 8, empty=not items)
    peak = max((v for _, v in items), default=0) or 1
    for i, (name, value) in enumerate(items):
        y = top + i * row
        w = (right - left) * value / peak
        chart.rects.append(Rect(left, y + 3, max(w, 1), row - 6, colour, f"{name}: {value:,}"))
        chart.labels.append(Label(left - 6, y + row / 2 + 4, name, "end"))
        chart.labels.append(Label(left + w + 4, y + row / 2 + 4, f"{value:,}"))
    return chart


def stacked_bars(
    title: str, rows: list[str], series: dict[str, list[int]], colours: dict[str, str], width: int = 480
) -> Chart:
    """Horizontal bars stacked by series (e.g. traders per country, by risk)."""
    row, top, left, right = 24, 8, _label_room(rows), width - 60
    chart = Chart(title, width, top + row * max(len(rows), 1) + 8, legend=[(colours[s], s) for s in series])
    totals = [sum(values[i] for values in series.values()) for i in range(len(rows))]
    chart.empty = not any(totals)
    peak = max(totals, default=0) or 1
    for i, name in enumerate(rows):
        y = top + i * row
        x = float(left)
        for part, values in series.items():
            w = (right - left) * values[i] / peak
            if values[i]:
                chart.rects.append(Rect(x, y + 3, w, row - 6, colours[part], f"{name}: {part} {values[i]:,}"))
            x += w
        chart.labels.append(Label(left - 6, y + row / 2 + 4, name, "end"))
        chart.labels.append(Label(x + 4, y + row / 2 + 4, f"{totals[i]:,}"))
    return chart


def line_chart(title: str, points: list[tuple[str, int]], colour: str = PALETTE[5], width: int = 720) -> Chart:
    """Values over time, e.g. the review backlog at the end of each week."""
    height, top, bottom, left, right = 260, 16, 210, 56, width - 20
    chart = Chart(title, width, height, empty=not points)
    peak = nice_max(max((v for _, v in points), default=0))
    _y_axis(chart, top, bottom, left, right, peak)
    step = (right - left) / max(len(points) - 1, 1)
    coords = []
    for i, (name, value) in enumerate(points):
        x, y = left + i * step, bottom - (bottom - top) * value / peak
        coords.append(f"{x:.1f},{y:.1f}")
        chart.dots.append(Rect(x - 3, y - 3, 6, 6, colour, f"{name}: {value:,}"))
        if i % max(1, len(points) // 6) == 0 or i == len(points) - 1:
            chart.labels.append(Label(x, bottom + 16, name, "end" if i == len(points) - 1 else "middle"))
    chart.polyline = " ".join(coords)
    return chart


def sparkline(title: str, points: list[tuple[str, float]], width: int = 320, height: int = 60) -> Chart:
    """A small line of values (a listing's price over time) without axes; the table beside it has the figures."""
    chart = Chart(title, width, height, empty=len(points) < 2)
    if chart.empty:
        return chart
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 10) / (len(points) - 1)
    coords = []
    for i, (name, value) in enumerate(points):
        x, y = 5 + i * step, height - 5 - (height - 10) * (value - low) / span
        coords.append(f"{x:.1f},{y:.1f}")
        chart.dots.append(Rect(x - 2, y - 2, 4, 4, PALETTE[0], f"{name}: {value:,.2f}"))
    chart.polyline = " ".join(coords)
    return chart
