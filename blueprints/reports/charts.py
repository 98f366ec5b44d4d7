"""Small charts drawn on the server as SVG: they need no script and print as they show."""
from markupsafe import Markup, escape


def bar_chart(items: list[tuple[str, int]], width: int = 560, bar_height: int = 22) -> Markup:
    """A horizontal bar chart of (label, value) pairs."""
    label_width, gap = 90, 8
    top = max((v for _, v in items), default=0) or 1
    height = len(items) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(" ".join(f"{l} {v}" for l, v in items))}">'
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        length = (width - label_width - 60) * value / top
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.72}" text-anchor="end" font-size="14">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#0b6e4f" rx="3"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.72}" font-size="14">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
