"""Charts drawn on the server as inline SVG: no script, nothing loaded from anywhere."""
from __future__ import annotations

from markupsafe import Markup, escape

# one colour per finding category; the same colours as the <mark> classes in app.css
COLOURS = {
    "link": "#1f77b4", "typo": "#ff7f0e", "sensitive": "#d62728", "privacy": "#9467bd",
    "secrecy": "#8c1d18", "tampering": "#e377c2", "format": "#7f7f7f", "site": "#17becf",
    "critical": "#b71c1c", "major": "#e65100", "minor": "#f9a825", "info": "#607d8b",
}
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def _colour(key: str, i: int) -> str:
    return COLOURS.get(key, PALETTE[i % len(PALETTE)])


def bars(rows: list[tuple[str, str, int]], title: str, width: int = 420) -> Markup:
    """Horizontal bars. rows: (key, label, value)."""
    bar_h, gap, label_w = 18, 6, 110
    h = max(1, len(rows)) * (bar_h + gap) + 30
    top = max([v for _, _, v in rows] + [1])
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{h}" '
             f'viewBox="0 0 {width} {h}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>']
    if not rows:
        parts.append('<text x="4" y="20" class="muted">暂无数据</text>')
    for i, (key, label, value) in enumerate(rows):
        y = 8 + i * (bar_h + gap)
        w = 0 if not value else max(2, int((width - label_w - 60) * value / top))
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{_colour(key, i)}">'
                     f'<title>{escape(label)}：{value}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 13}">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(points: list[tuple[str, dict[str, int]]], title: str, width: int = 720, height: int = 260) -> Markup:
    """Lines across sweeps: points are (x label, {series: value}); one polyline per series."""
    pad_l, pad_r, pad_t, pad_b = 44, 120, 16, 40
    series = sorted({k for _, vals in points for k in vals})
    top = max([v for _, vals in points for v in vals.values()] + [1])
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>']
    if not points:
        parts.append('<text x="10" y="30" class="muted">暂无巡检数据</text></svg>')
        return Markup("".join(parts))

    def xy(i: int, v: int) -> tuple[float, float]:
        x = pad_l + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)
        return round(x, 1), round(pad_t + plot_h - plot_h * v / top, 1)

    # axes and four grid lines with their values
    for k in range(5):
        v = round(top * k / 4)
        y = pad_t + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{pad_l}" y1="{y:.1f}" x2="{pad_l + plot_w}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{pad_l - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    step = max(1, len(points) // 8)
    for i, (label, _) in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            x, _ = xy(i, 0)
            parts.append(f'<text x="{x}" y="{height - pad_b + 16}" text-anchor="middle">{escape(label)}</text>')
    for si, name in enumerate(series):
        colour = _colour(name, si)
        coords = [xy(i, vals.get(name, 0)) for i, (_, vals) in enumerate(points)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{" ".join(f"{x},{y}" for x, y in coords)}"/>')
        for (x, y), (label, vals) in zip(coords, points):
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}">'
                         f'<title>{escape(label)} {escape(name)}：{vals.get(name, 0)}</title></circle>')
        ly = pad_t + 14 + si * 18
        parts.append(f'<rect x="{width - pad_r + 10}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{width - pad_r + 28}" y="{ly}">{escape(_label(name))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _label(name: str) -> str:
    from ..finding import CATEGORY_LABELS, SEVERITY_LABELS
    return CATEGORY_LABELS.get(name) or SEVERITY_LABELS.get(name) or name
