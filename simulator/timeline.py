"""A picture of a refresh: the report's `status_history` and `downtime_s` as an SVG timeline, written as plain
SVG text (no drawing library).

One row per instance (an instance keeps its row across its renames: `DbiResourceId`), its statuses as bars,
each rename marked with the name it took; one row per name of the target's tree, green while an available
instance held it and red while none did (its downtime, totalled at the row's end); the refresh's phases
(build, swap, restart, delete, from the report's `states`) above, and each execution's start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from mitosis.history import PHASES, clock

LABEL_W, CHART_W, ROW_H, BAR_H, TOP = 300, 900, 26, 16, 92
COLORS = {
    "available": "#3a9d5d", "creating": "#4a78c2", "modifying": "#e0a030", "backing-up": "#c98a2b",
    "renaming": "#8e5ec6", "rebooting": "#d9743a", "deleting": "#8c8c8c", "starting": "#4a78c2",
    "storage-optimization": "#5fb37b", "failed": "#c62f2f", "incompatible-parameters": "#c62f2f",
    "incompatible-restore": "#c62f2f", "storage-full": "#c62f2f",
}
OTHER_STATUS = "#b0b0b0"
PHASE_COLORS = {"build": "#dce8f7", "swap": "#f3dcf2", "restart": "#fdf0d2", "delete": "#e6e6e6"}
DOWN, HELD = "#d83b3b", "#bfe3c9"
GONE = ("deleted",)


@dataclass
class Segment:
    start: float
    end: float
    status: str
    name: str


@dataclass
class InstanceRow:
    resource: str
    names: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    renames: list[tuple[float, str]] = field(default_factory=list)


def instance_rows(history: Sequence[Mapping[str, Any]], end: float) -> list[InstanceRow]:
    rows: dict[str, InstanceRow] = {}
    for change in history:
        row = rows.setdefault(change["DbiResourceId"], InstanceRow(change["DbiResourceId"]))
        name, status, t = change["DBInstanceIdentifier"], change["DBInstanceStatus"], float(change["t"])
        if row.segments:
            row.segments[-1].end = t
        if row.names and row.names[-1] != name:
            row.renames.append((t, name))
        if not row.names or row.names[-1] != name:
            row.names.append(name)
        if status not in GONE:
            row.segments.append(Segment(t, end, status, name))
    return list(rows.values())


def name_intervals(history: Sequence[Mapping[str, Any]], name: str, end: float) -> list[tuple[float, float, bool]]:
    """(start, end, held) intervals: held while an instance named `name` is available."""
    current: dict[str, tuple[str, str]] = {}
    intervals: list[tuple[float, float, bool]] = []
    times = sorted({float(c["t"]) for c in history} | {0.0})
    by_time: dict[float, list[Mapping[str, Any]]] = {}
    for change in history:
        by_time.setdefault(float(change["t"]), []).append(change)
    for index, t in enumerate(times):
        for change in by_time.get(t, []):
            current[change["DbiResourceId"]] = (change["DBInstanceIdentifier"], change["DBInstanceStatus"])
        held = any(identifier == name and status == "available" for identifier, status in current.values())
        until = times[index + 1] if index + 1 < len(times) else end
        if until > t:
            if intervals and intervals[-1][2] == held:
                intervals[-1] = (intervals[-1][0], until, held)
            else:
                intervals.append((t, until, held))
    return intervals


def phase_spans(states: list[Mapping[str, Any]]) -> list[tuple[str, float, float]]:
    """Each attempt's phases, as mitosis.history.PHASES delimits them."""
    spans = []
    for attempt in sorted({s["attempt"] for s in states}):
        mine = [s for s in states if s["attempt"] == attempt]
        for phase, first, (end_kind, last) in PHASES:
            start = next((s["entered"] for s in mine if s["name"] == first), None)
            ends = [s for s in mine if s["name"] == last]
            end = (ends[-1]["entered"] if end_kind == "entered" else ends[-1]["exited"]) if ends else None
            if start is not None and end is not None and end > start:
                spans.append((phase, float(start), float(end)))
    return spans


def _tick_step(duration: float) -> float:
    for step in (60, 300, 600, 900, 1200, 1800, 3600, 7200, 14400):
        if duration / step <= 12:
            return step
    return 28800


def render(report: Mapping[str, Any], title: str = "") -> str:
    end = max(float(report.get("duration_s") or 0), 1.0)
    history = list(report.get("status_history", []))
    downtime: Mapping[str, float] = report.get("downtime_s", {})
    rows = instance_rows(history, end)
    names = list(downtime)
    in_tree = [r for r in rows if any(_in_tree(n, names) for n in r.names)]
    others = [r for r in rows if r not in in_tree]
    ordered = in_tree + others
    height = TOP + ROW_H * (len(names) + len(ordered)) + 90

    def x(t: float) -> float:
        return LABEL_W + CHART_W * max(0.0, min(t, end)) / end

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + CHART_W + 110}" height="{height}" '
           f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="#ffffff"/>',
           f'<text x="10" y="22" font-size="16" font-weight="bold">{escape(title or "stack-mitosis refresh")}</text>',
           f'<text x="10" y="42" fill="#555">{escape(_subtitle(report))}</text>']
    # phases and attempts
    for phase, start, stop in phase_spans(list(report.get("states", []))):
        out.append(f'<rect x="{x(start):.1f}" y="52" width="{max(1.0, x(stop) - x(start)):.1f}" height="18" '
                   f'fill="{PHASE_COLORS[phase]}"><title>{phase}: {clock(stop - start)}</title></rect>')
        room = x(stop) - x(start) - 6
        for label in (f"{phase} {clock(stop - start)}", phase):
            if _text_width(label) <= room:
                out.append(f'<text x="{x(start) + 3:.1f}" y="65" fill="#333">{label}</text>')
                break
    grid_bottom = TOP + ROW_H * (len(names) + len(ordered))
    for number, attempt in enumerate(report.get("attempts", []), start=1):
        start = float(attempt.get("started_s", 0))
        out.append(f'<line x1="{x(start):.1f}" y1="48" x2="{x(start):.1f}" y2="{grid_bottom}" stroke="#333" '
                   f'stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x(start) + 3:.1f}" y="84" fill="#333">attempt {number}: {attempt.get("status")}'
                   '</text>')
    # time axis
    step = _tick_step(end)
    t = 0.0
    while t <= end + 1e-6:
        out.append(f'<line x1="{x(t):.1f}" y1="{TOP - 4}" x2="{x(t):.1f}" y2="{grid_bottom}" stroke="#eee"/>')
        out.append(f'<text x="{x(t):.1f}" y="{grid_bottom + 16}" text-anchor="middle" fill="#555">'
                   f'{_hhmm(t)}</text>')
        t += step
    y = TOP
    # names
    for name in names:
        out.append(f'<text x="10" y="{y + 17}" font-weight="bold">name {escape(name)}</text>')
        for start, stop, held in name_intervals(history, name, end):
            fill = HELD if held else DOWN
            what = "held by an available instance" if held else "no available instance: down"
            out.append(f'<rect x="{x(start):.1f}" y="{y + 5}" width="{max(1.5, x(stop) - x(start)):.1f}" '
                       f'height="{BAR_H}" fill="{fill}"><title>{escape(name)}: {what}, {_hhmm(start)}-'
                       f'{_hhmm(stop)} ({clock(stop - start)})</title></rect>')
        out.append(f'<text x="{LABEL_W + CHART_W + 6}" y="{y + 17}" fill="{DOWN}">down '
                   f'{clock(float(downtime[name]))}</text>')
        y += ROW_H
    # instances
    for row in ordered:
        label = " → ".join(row.names)
        out.append(f'<text x="10" y="{y + 17}">{escape(_shorten(label, LABEL_W - 20))}<title>{escape(label)}'
                   '</title></text>')
        for segment in row.segments:
            width = max(1.0, x(segment.end) - x(segment.start))
            out.append(f'<rect x="{x(segment.start):.1f}" y="{y + 5}" width="{width:.1f}" height="{BAR_H}" '
                       f'fill="{COLORS.get(segment.status, OTHER_STATUS)}"><title>{escape(segment.name)}: '
                       f'{escape(segment.status)}, {_hhmm(segment.start)}-{_hhmm(segment.end)}</title></rect>')
            if _text_width(segment.status, 11) <= width - 6:
                out.append(f'<text x="{x(segment.start) + 3:.1f}" y="{y + 17}" fill="#fff" font-size="11">'
                           f'{escape(segment.status)}</text>')
        for at, new_name in row.renames:
            out.append(f'<line x1="{x(at):.1f}" y1="{y + 2}" x2="{x(at):.1f}" y2="{y + ROW_H - 2}" stroke="#000" '
                       f'stroke-width="2"><title>renamed {escape(new_name)} at {_hhmm(at)}</title></line>')
        y += ROW_H
    # legend
    legend_y = grid_bottom + 40
    items = [("available", COLORS["available"]), ("creating", COLORS["creating"]),
             ("modifying", COLORS["modifying"]), ("backing-up", COLORS["backing-up"]),
             ("renaming", COLORS["renaming"]), ("deleting", COLORS["deleting"]), ("failed", COLORS["failed"]),
             ("name held", HELD), ("name down", DOWN)]
    lx = 10
    for label, color in items:
        out.append(f'<rect x="{lx}" y="{legend_y}" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{lx + 16}" y="{legend_y + 10}">{label}</text>')
        lx += 24 + 7 * len(label)
    out.append(f'<text x="10" y="{legend_y + 32}" fill="#555">Virtual time (hh:mm) from the first execution\'s '
               'start; a black tick is a rename.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _subtitle(report: Mapping[str, Any]) -> str:
    down = ", ".join(f"{name} {clock(float(s))}" for name, s in report.get("downtime_s", {}).items())
    return (f"{report.get('status')} after {clock(float(report.get('duration_s') or 0))} of virtual time, "
            f"{len(report.get('attempts', []))} execution(s); each name down: {down or '-'}")


def _text_width(text: str, size: int = 12) -> float:
    """About how wide a text is drawn (Helvetica's average glyph is a little over half its size)."""
    return len(text) * size * 0.58


def _in_tree(identifier: str, names: list[str]) -> bool:
    return any(identifier in (name, f"temp-{name}", f"old-{name}") for name in names)


def _hhmm(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}" + (f":{whole % 60:02d}" if whole % 60 else "")


def _shorten(text: str, width: float) -> str:
    """The text, cut to fit `width` pixels (its whole is the row's tooltip)."""
    while _text_width(text) > width and len(text) > 2:
        text = text[:-2] + "…"
    return text


def svg_path_for(report_path: str) -> str:
    """Where `mitosis simulate --report R` puts R's timeline: R with .svg."""
    path = Path(report_path)
    if path.suffix in ("", ".svg"):
        return str(path.with_name(path.name + (".timeline.svg" if path.suffix else ".svg")))
    return str(path.with_suffix(".svg"))
