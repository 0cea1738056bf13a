"""The tour report: a self-contained ``index.html`` and ``metrics.json``."""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
import os
import platform
from pathlib import Path

from scidl.utils import atomic_write

__all__ = ["TopicRecord", "figure_to_base64", "write_report"]


@dataclasses.dataclass
class TopicRecord:
    """One topic of a tour: what the demo returned, or how it failed."""

    name: str
    title: str
    chapter: int
    status: str  # "ok" or "error"
    seconds: float  # running the demo
    render_seconds: float = 0.0  # encoding its figures as PNG
    metrics: dict = dataclasses.field(default_factory=dict)
    figures: dict = dataclasses.field(default_factory=dict)  # name -> base64 PNG or GIF
    text: str = ""
    error: str | None = None  # the traceback when status == "error"
    headline: tuple = ()  # (label, value) of the demo's headline result; () when it failed

    def to_json(self) -> dict:
        """The record as it appears under ``topics`` in metrics.json."""
        headline = None
        if self.headline:
            headline = {"label": self.headline[0], "value": self.headline[1]}
        return {
            "title": self.title,
            "chapter": self.chapter,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "render_seconds": round(self.render_seconds, 3),
            "headline": headline,
            "metrics": self.metrics,
            "figures": list(self.figures),
            "error": self.error,
        }


def figure_to_base64(fig, *, dpi=100) -> str:
    """A Figure as base64 PNG (encoded image bytes as they are), for ``<img src="data:...">``."""
    if isinstance(fig, bytes | bytearray):
        return base64.b64encode(bytes(fig)).decode("ascii")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _mime(encoded: str) -> str:
    """The image type of base64 data, from its magic number ("GIF8" encodes as "R0lGO")."""
    return "image/gif" if encoded.startswith("R0lGO") else "image/png"


def format_value(value) -> str:
    """A metric for a table: floats to 4 significant digits, nested values as compact JSON.

    ``None`` (a demo's "not reached") renders as ``null``, as in metrics.json:
    never as a sentinel number.
    """
    if isinstance(value, float):
        return f"{value:.4g}"
    if value is None or isinstance(value, (dict, list, tuple)):
        return json.dumps(value, separators=(", ", ": "), default=str)
    return str(value)


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
.meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.8em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #009E73; font-weight: bold; }
.error { color: #D55E00; font-weight: bold; }
section { border-top: 2px solid #0072B2; margin-top: 2.5em; padding-top: 0.5em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; }
figcaption { color: #666; font-size: 0.9em; }
pre { background: #fbeee6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
pre.table { background: #f4f6f8; }
p.headline { font-weight: bold; }
"""


def _summary_table(records) -> str:
    rows = []
    for r in records:
        rows.append(
            f'<tr><td>{r.chapter}</td><td><a href="#{html.escape(r.name)}">'
            f"{html.escape(r.name)}</a></td>"
            f'<td>{html.escape(r.title)}</td><td class="{r.status}">{r.status}</td>'
            f"<td>{html.escape(headline_text(r))}</td>"
            f'<td class="num">{r.seconds:.1f}</td></tr>'
        )
    return (
        "<table><thead><tr><th>chapter</th><th>topic</th><th>title</th><th>status</th>"
        "<th>headline</th><th>seconds</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def headline_text(record) -> str:
    """A topic's headline as ``label = value`` ("" when it has none)."""
    if not record.headline:
        return ""
    label, value = record.headline
    return f"{label} = {format_value(value)}"


def _text_html(text: str) -> str:
    """A demo's text as HTML: paragraphs as ``<p>``, tables (aligned columns) kept as ``<pre>``.

    Paragraphs are separated by blank lines; a paragraph of several lines
    whose lines are not sentences (a table such as ``width  params  test MSE``)
    keeps its line breaks and alignment in a ``<pre class="table">``.
    """
    parts = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        body = html.escape(block)
        if len(lines) > 1 and sum("  " in ln.strip() for ln in lines) >= len(lines) // 2:
            parts.append(f'<pre class="table">{body}</pre>')
        else:
            parts.append(f"<p>{body}</p>".replace("\n", "<br>"))
    return "".join(parts)


def _section(r: TopicRecord) -> str:
    name = html.escape(r.name)
    parts = [
        f'<section id="{name}">',
        f"<h2>{html.escape(r.title)}</h2>",
        f'<p class="meta">topic <code>{name}</code> · chapter {r.chapter} · '
        f'<span class="{r.status}">{r.status}</span> · {r.seconds:.1f} s to run, '
        f"{r.render_seconds:.1f} s to draw the figures</p>",
    ]
    if r.text:
        parts.append(_text_html(r.text))
    if r.error:
        parts.append(
            '<p class="error">This demo failed; the traceback:</p>'
            f"<pre>{html.escape(r.error)}</pre>"
        )
    if r.headline:
        parts.append(f'<p class="headline">{html.escape(headline_text(r))}</p>')
    if r.metrics:
        rows = "".join(
            f'<tr><td>{html.escape(str(k))}</td><td class="num">'
            f"{html.escape(format_value(v))}</td></tr>"
            for k, v in r.metrics.items()
        )
        parts.append(
            "<table><thead><tr><th>metric</th><th>value</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    for fig_name, png in r.figures.items():
        label = html.escape(fig_name)
        parts.append(
            f'<figure><img alt="{name}: {label}" src="data:{_mime(png)};base64,{png}">'
            f"<figcaption>{label}</figcaption></figure>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def render_html(records, *, version, created, quick, seed, total_seconds) -> str:
    n_failed = sum(r.status != "ok" for r in records)
    mode = "quick (smoke test: small data, few epochs)" if quick else "full"
    status = "all topics ran" if not n_failed else f"{n_failed} of {len(records)} topics failed"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>scidl tour ({html.escape(created)})</title>",
            f"<style>{_CSS}</style></head><body>",
            "<h1>scidl tour</h1>",
            f'<p class="meta">scidl {html.escape(version)} · {html.escape(created)} · '
            f"{mode} mode · seed {seed} · {total_seconds:.1f} s in total · {status} · "
            f"Python {platform.python_version()}</p>",
            "<p>One demo per topic of the course: each trains its models on embedded data "
            "and reports metrics and figures. Metrics are also in <code>metrics.json</code>.</p>",
            _summary_table(records),
            *(_section(r) for r in records),
            "</body></html>",
        ]
    )


def write_report(out_dir, records, *, version, created, quick, seed, total_seconds):
    """Write ``index.html`` and ``metrics.json`` into ``out_dir`` (created if needed).

    Returns the two paths. Each file is written atomically.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "scidl_version": version,
        "created": created,
        "quick": bool(quick),
        "seed": int(seed),
        "total_seconds": round(total_seconds, 3),
        "status": "ok" if all(r.status == "ok" for r in records) else "error",
        "topics": {r.name: r.to_json() for r in records},
    }
    json_path = out / "metrics.json"
    text = json.dumps(summary, indent=2, allow_nan=False) + "\n"
    with atomic_write(json_path, "wb") as fh:
        fh.write(text.encode("utf-8"))
    html_path = out / "index.html"
    page = render_html(
        records,
        version=version,
        created=created,
        quick=quick,
        seed=seed,
        total_seconds=total_seconds,
    )
    with atomic_write(html_path, "wb") as fh:
        fh.write(page.encode("utf-8"))
    for path in (json_path, html_path):
        _make_readable(path)
    return html_path, json_path


def _make_readable(path):
    """Give a written file the usual permissions (atomic writes create it as 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
