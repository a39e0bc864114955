"""Server-rendered SVG charts of a statistics report: no script, no CDN, no library.

Each chart is an <svg role="img"> with a <title> and a <desc> saying what it shows; the same
figures are in the table under it, so nothing is only in a picture. A suppressed figure is
never drawn as a number: its bar is an outline with its words ("fewer than 10", "withheld")
and a line has a gap there.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from custodian.statistics.selectors import BREAKDOWNS, Report

WIDTH = 720
# Distinguishable in colour and in grey; lines also differ in dash.
PALETTE = ("#1f5fa8", "#b8520a", "#2e7d32", "#6a3d9a", "#a61c3c", "#00796b", "#5d4037", "#455a64")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3")


def _nice_max(value: int) -> int:
    if value <= 0:
        return 10
    step = 10 ** (len(str(value)) - 1)
    return ((value + step - 1) // step) * step


def bars(report: Report, *, ident: str) -> SafeString:
    """Horizontal bars: each row's total (the first breakdown)."""
    n = report.min_cell_size
    rows = list(report.rows())
    shown = [t.value for _, _, t in rows if t.shown]
    top = _nice_max(max(shown, default=0))
    left, right, bar_h, gap = 190, 110, 22, 8
    height = 40 + len(rows) * (bar_h + gap)
    span = WIDTH - left - right
    title = f"{report.title}: totals by {BREAKDOWNS[report.by[0]].lower()}"
    desc = "; ".join(f"{label}: {total.words(n)}" for label, _, total in rows) or "No figures."
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]
    for k, (label, _, total) in enumerate(rows):
        y = 20 + k * (bar_h + gap)
        out.append(
            f'<text x="{left - 8}" y="{y + bar_h * 0.7:.0f}" text-anchor="end" '
            f'class="chart-label">{escape(label[:28])}</text>'
        )
        if total.shown:
            w = 0 if top == 0 else span * total.value / top
            out.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>'
            )
            out.append(
                f'<text x="{left + w + 6:.1f}" y="{y + bar_h * 0.7:.0f}" '
                f'class="chart-value">{total.value:,}</text>'
            )
        else:
            out.append(
                f'<rect x="{left}" y="{y}" width="40" height="{bar_h}" fill="none" '
                f'stroke="#555" stroke-dasharray="3 2"/>'
            )
            out.append(
                f'<text x="{left + 46}" y="{y + bar_h * 0.7:.0f}" class="chart-value">'
                f"{escape(total.words(n))}</text>"
            )
    out.append("</svg>")
    # Every text in it went through escape(); the rest is numbers and fixed markup.
    return mark_safe("".join(out))  # noqa: S308


def lines(report: Report, *, ident: str, most: int = 8) -> SafeString | None:
    """One line per row across the months (only when the columns are months)."""
    if len(report.by) != 2 or report.by[1] != "month":
        return None
    n = report.min_cell_size
    rows = list(report.rows())[:most]
    values = [f.value for _, cells, _ in rows for f in cells if f.shown]
    top = _nice_max(max(values, default=0))
    left, right, top_pad, bottom = 60, 20, 20, 50
    legend_h = 20 * len(rows)
    height = 300 + legend_h
    plot_h = 300 - top_pad - bottom
    span = WIDTH - left - right
    months = report.col_labels

    def x(j):
        return left + span * j / max(len(months) - 1, 1)

    def y(v):
        return top_pad + plot_h * (1 - (v / top if top else 0))

    title = f"{report.title} (lines by {BREAKDOWNS[report.by[0]].lower()})"
    parts = []
    for label, cells, _ in rows:
        hidden = [months[j] for j, f in enumerate(cells) if not f.shown]
        parts.append(
            f"{label}: "
            + ", ".join(f"{months[j]} {f.words(n)}" for j, f in enumerate(cells))
            + (f" (gaps where not shown: {', '.join(hidden)})" if hidden else "")
        )
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape("; ".join(parts))}</desc>',
    ]
    for tick in range(0, 5):
        v = top * tick / 4
        out.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
            f'class="chart-axis">{int(v):,}</text>'
        )
    for j, m in enumerate(months):
        out.append(
            f'<text x="{x(j):.1f}" y="{top_pad + plot_h + 18}" text-anchor="middle" '
            f'class="chart-axis">{escape(m)}</text>'
        )
    for k, (label, cells, _) in enumerate(rows):
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        run: list[str] = []
        segments = []
        for j, f in enumerate(cells):
            if f.shown:
                run.append(f"{x(j):.1f},{y(f.value):.1f}")
            else:
                segments.append(run)
                run = []
        segments.append(run)
        for seg in segments:
            if len(seg) > 1:
                out.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
            for point in seg:
                px, py = point.split(",")
                out.append(f'<circle cx="{px}" cy="{py}" r="3" fill="{colour}"/>')
        ly = 300 + 20 * k
        out.append(
            f'<line x1="{left}" x2="{left + 30}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/><text x="{left + 38}" y="{ly}" '
            f'class="chart-label">{escape(label)}</text>'
        )
    out.append("</svg>")
    # Every text in it went through escape(); the rest is numbers and fixed markup.
    return mark_safe("".join(out))  # noqa: S308
