"""The page shell of every HTML file simspace writes (the run report, the ranking of `simspace
compare`): doctype, the one Content-Security-Policy, and the CSS the pages share."""

from __future__ import annotations

from html import escape

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""Nothing but inline styles and data: images: a page can load nothing and run nothing, even if
some escaped text were to slip through."""

CSS = """
:root{color-scheme:light;--fg:#24292f;--mute:#57606a;--line:#d0d7de;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
main{max-width:1240px;margin:0 auto;padding:12px 16px 40px}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.2em;margin:1.6em 0 .5em;
border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1em;margin:.8em 0 .3em}
small,.mute{color:var(--mute)}
.badge{display:inline-block;padding:0 .5em;border-radius:1em;font-size:.85em;font-weight:600;
color:#fff;white-space:nowrap}
.ok,.reproduced{background:#1a7f37}.bad,.not_reproduced{background:#cf222e}
.warn{background:#9a6700}.not_observable{background:#6e7781}.claim{background:#8250df}
.context{background:#0550ae}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}
th{background:var(--bg2);white-space:nowrap}
@media (max-width:700px){body{font-size:14px}}
"""


def page(title: str, body: str, extra_css: str = "") -> str:
    """A whole HTML document: `title` is text (escaped here), `body` is already-escaped HTML
    placed in `<main>`, `extra_css` follows the shared CSS."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        # An empty icon, so that the browser does not try to fetch /favicon.ico.
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{CSS}{extra_css}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
