"""The viewer's page shell: the report's CSS and look, a strict Content-Security-Policy that lets
a page run only the viewer's own scripts, and data handed to them as an inert JSON block.

Every text that came from a scenario or a run is escaped where it is placed; scripts read the
JSON block and put text on the page with `textContent`, never as HTML.
"""

from __future__ import annotations

import json
import math
from html import escape
from urllib.parse import urlsplit

from simspace.report.html.shell import CSS

VIEWER_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
"""Scripts and styles from the viewer only (inline styles allowed: uPlot sizes its canvas with
them); requests only back to the viewer; no frames, no foreign form targets. Sent as a header
(with `frame-ancestors 'none'`, which a meta tag cannot carry) and repeated in the page."""
FRAME_ANCESTORS = "; frame-ancestors 'none'"

VIEWER_CSS = """
nav{display:flex;gap:1em;align-items:baseline;border-bottom:1px solid var(--line);
padding:6px 0;margin-bottom:8px}nav b{margin-right:auto}
.running,.live{background:#0969da}.stale,.unreadable,.interrupted,.aborted{background:#9a6700}
.completed{background:#1a7f37}.failed{background:#cf222e}
.chart{margin:10px 0 18px}.chart h3{margin:0 0 4px}
.facts{font-size:.9em}.meta td:first-child{font-weight:600;white-space:nowrap;width:1%}
.better{color:#1a7f37}.worse{color:#cf222e}.same,.na{color:var(--mute)}
.regressed{font-weight:700}
th[data-sort]{cursor:pointer}th[data-sort]::after{content:" \\2195";color:var(--mute)}
input[type=search]{font:inherit;padding:4px 8px;width:min(420px,100%)}
progress{width:min(420px,100%)}
.pill{display:inline-block;border:1px solid var(--line);border-radius:1em;padding:0 .5em;
margin:0 .2em .2em 0;font-size:.85em}
ol.moments{font-size:.9em}ol.run-key{font-weight:600}
.warn-text{border-left:4px solid #9a6700;padding-left:8px}
"""

STATIC_PREFIX = "/static/"
SCRIPTS = ("uPlot.iife.min.js", "viewer.js")


def _finite(data: object) -> object:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


def json_block(data: object) -> str:
    """A `<script type="application/json">` block: never run, and no text in it can end it."""
    text = json.dumps(_finite(data), separators=(",", ":"), allow_nan=False)
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, safe)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="simspace-data">{text}</script>'


def safe_href(url: str) -> str | None:
    """A URL that may be a link: http(s) only, never `javascript:`, `data:` or a relative
    path; None for anything else (then shown as text)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def nav(*crumbs: tuple[str, str | None]) -> str:
    """The top bar: simspace, then (text, href) crumbs (escaped here)."""
    items = "".join(
        f'<a href="{escape(href)}">{escape(text)}</a>' if href else f"<span>{escape(text)}</span>"
        for text, href in crumbs
    )
    return f'<nav><b><a href="/">simspace view</a></b>{items}</nav>'


def viewer_page(title: str, body: str, data: object | None = None) -> str:
    """A whole page: `title` is text, `body` escaped HTML; `data` goes to the scripts."""
    scripts = "".join(f'<script src="{STATIC_PREFIX}{name}"></script>' for name in SCRIPTS)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{VIEWER_CSP}">'
        '<link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="{STATIC_PREFIX}uPlot.min.css">'
        f"<title>{escape(title)}</title><style>{CSS}{VIEWER_CSS}</style></head>"
        f"<body><main>{body}</main>{'' if data is None else json_block(data)}{scripts}"
        "</body></html>\n"
    )


def badge(status: str) -> str:
    return f'<span class="badge {escape(status)}">{escape(status)}</span>'


def labels_html(labels: dict[str, str]) -> str:
    return "".join(
        f'<span class="pill">{escape(key)}={escape(value)}</span>'
        for key, value in sorted(labels.items())
    )
