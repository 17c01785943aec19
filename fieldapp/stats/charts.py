"""Bar charts as inline SVG, drawn on the server: no JavaScript, and the PDF gets them too.

Each chart is an image with an aria-label; the page puts a table with the same numbers
directly below it. Values are printed on the bars and the second series is hatched, so nothing
depends on colour alone. Colours are SVG attributes (not CSS) so WeasyPrint draws them as-is.
Labels arrive translated and numbers formatted (`fmt`): this module knows no Flask.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# A narrow drawing with large type: on a phone it shrinks to ~350 px and stays readable.
WIDTH, HEIGHT = 480, 250
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 40, 30
COLOURS = ("#0b5d5b", "#8a4b00")
TARGET_COLOUR = "#b3261e"
BASELINE_COLOUR = "#1f4f7a"
AXIS_COLOUR = "#6b7a7c"
INK = "#1b2426"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Reference:
    """A horizontal line across the chart: the target or the baseline."""

    value: float
    label: str
    kind: str = "target"  # target | baseline


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10^n) that covers `span` in about `ticks` steps."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover (the loop always returns)


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _attrs(**values) -> str:
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(str(v), quote=True)}"'
        for name, v in values.items()
    )


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    label: str,
    fmt: Callable[[float], str],
    references: Sequence[Reference] = (),
    no_value: str = "–",
    y_max: float | None = None,
) -> Markup:
    """Grouped bars, one group per category; reference lines for target and baseline.

    `label` becomes the aria-label: say what the chart shows, the table below has the numbers.
    """
    values = [v for s in series for v in s.values if v is not None]
    top_value = max([*values, *(r.value for r in references), 0.0])
    if y_max is not None and top_value <= y_max:  # a fixed scale: 0–100 %, 1–5
        step, scale_max = nice_step(y_max, 5), y_max
    else:
        step = nice_step(top_value * 1.1 or 1)
        scale_max = step * max(1, math.ceil(top_value * 1.1 / step))
    # Several charts share a page: the hatch pattern's id must be unique within it.
    hatch = "hatch-" + hashlib.sha1(label.encode(), usedforsecurity=False).hexdigest()[:10]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / scale_max

    parts = [
        f'<svg class="chart" {_attrs(role="img", aria_label=label)} '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="15" fill="{INK}">',
        f"<title>{escape(label)}</title>",
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff4df"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{COLOURS[1]}" stroke-width="3"/>'
        "</pattern></defs>",
    ]
    tick = 0.0
    while tick <= scale_max + 1e-9:
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#d3dcdc" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="{AXIS_COLOUR}">{escape(fmt(tick))}</text>'
        )
        tick += step

    groups = max(1, len(categories))
    group_w = plot_w / groups
    bar_w = min(56.0, group_w * 0.7 / max(1, len(series)))
    # Axis labels: thinned out when many, shortened when long (the table has them in full).
    label_every = max(1, math.ceil(len(categories) / 8))
    fit_chars = max(4, int(group_w * label_every / 8))
    for gi, category in enumerate(categories):
        gx = LEFT + gi * group_w
        start = gx + (group_w - bar_w * len(series)) / 2
        for si, s in enumerate(series):
            value = s.values[gi] if gi < len(s.values) else None
            bx = start + si * bar_w
            cx = bx + bar_w / 2
            if value is None:
                parts.append(
                    f'<text x="{cx:.1f}" y="{y(0) - 4:.1f}" text-anchor="middle" '
                    f'fill="{AXIS_COLOUR}">{escape(no_value)}</text>'
                )
                continue
            by = y(max(value, 0))
            fill = COLOURS[0] if si % 2 == 0 else f"url(#{hatch})"
            stroke = COLOURS[si % 2]
            parts.append(
                f'<rect x="{bx + 1:.1f}" y="{by:.1f}" width="{bar_w - 2:.1f}" '
                f'height="{max(y(0) - by, 0):.1f}" fill="{fill}" stroke="{stroke}"/>'
            )
            # Grouped bars print their non-zero values only; the table has every number.
            if len(series) == 1 or (value and len(categories) <= 16):
                parts.append(
                    f'<text x="{cx:.1f}" y="{by - 5:.1f}" text-anchor="middle" '
                    f'font-weight="700" font-size="{14 if len(series) > 1 else 16}" '
                    'stroke="#fff" stroke-width="3" paint-order="stroke">'
                    f"{escape(fmt(value))}</text>"
                )
        if gi % label_every == 0:
            parts.append(
                f'<text x="{gx + group_w / 2:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="middle" font-size="14">{escape(_fit(category, fit_chars))}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1.5"/>'
    )
    for i, ref in enumerate(references):
        colour = TARGET_COLOUR if ref.kind == "target" else BASELINE_COLOUR
        dash = "8 4" if ref.kind == "target" else "2 4"
        ry = y(ref.value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ry:.1f}" y2="{ry:.1f}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
        )
        # Labels stack at the top-right so two lines close together stay readable.
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{14 + i * 16}" text-anchor="end" font-size="14" '
            f'fill="{colour}" font-weight="700">{escape(ref.label)}</text>'
        )
    if len(series) > 1:
        lx = LEFT
        for si, s in enumerate(series):
            fill = COLOURS[0] if si % 2 == 0 else f"url(#{hatch})"
            parts.append(
                f'<rect x="{lx}" y="2" width="14" height="14" fill="{fill}" '
                f'stroke="{COLOURS[si % 2]}"/>'
                f'<text x="{lx + 20}" y="14" font-size="14">{escape(s.name)}</text>'
            )
            lx += 40 + 9 * len(s.name)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text and attribute is escaped above)
