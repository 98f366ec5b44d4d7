"""Small charts drawn on the server as SVG: they need no script and print as they show.

A chart keeps its own size in CSS pixels (it only shrinks where the page is narrower), so its 14 px labels
stay readable. Its text names its language and the Simplified Chinese face itself: WeasyPrint draws an
SVG's text from the SVG's own attributes, not the page's CSS, and would otherwise fall back to the
Japanese CJK face for the labels and DejaVu for the numbers.
"""
from markupsafe import Markup, escape

FONT_SIZE = 14
FONT_FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif"
INK, BAR = "#1f2a37", "#0b6e4f"


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}" '
        f'lang="zh-Hans" xml:lang="zh-Hans" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
        + "".join(body) + "</svg>"
    )


def _aria(items: list[tuple[str, int]]) -> str:
    return " ".join(f"{label} {value}" for label, value in items)


def bar_chart(items: list[tuple[str, int]], width: int = 340, bar_height: int = 22) -> Markup:
    """A horizontal bar chart of (label, value) pairs."""
    label_width, gap, value_room = 64, 8, 48
    top = max((v for _, v in items), default=0) or 1
    height = len(items) * (bar_height + gap) + gap
    body = []
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        baseline = y + bar_height * 0.72
        length = (width - label_width - value_room) * value / top
        body.append(
            f'<text x="{label_width - 8}" y="{baseline:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{BAR}" rx="3"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{baseline:.1f}">{value}</text>'
        )
    return _svg(width, height, _aria(items), body)


def column_chart(items: list[tuple[str, int]], height: int = 200, column_width: int = 30) -> Markup:
    """Vertical columns of (label, value) pairs, left to right: a period month by month."""
    gap, top_room, label_room = 12, 22, 24
    top = max((v for _, v in items), default=0) or 1
    width = len(items) * (column_width + gap) + gap
    floor = height - label_room
    body = [f'<line x1="0" y1="{floor}" x2="{width}" y2="{floor}" stroke="#aab6c2"/>']
    for i, (label, value) in enumerate(items):
        x = gap + i * (column_width + gap)
        middle = x + column_width / 2
        length = (floor - top_room) * value / top
        body.append(
            f'<rect x="{x}" y="{floor - length:.1f}" width="{column_width}" height="{length:.1f}" fill="{BAR}" rx="2"/>'
            f'<text x="{middle:.1f}" y="{floor - length - 6:.1f}" text-anchor="middle">{value}</text>'
            f'<text x="{middle:.1f}" y="{height - 6}" text-anchor="middle">{escape(label)}</text>'
        )
    return _svg(width, height, _aria(items), body)
