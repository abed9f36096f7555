"""A run in progress: its event clock, progress, Spaces and charts, updated from the live file the
run rewrites every second (streamed to the page as Server-Sent Events)."""

from __future__ import annotations

from html import escape

from simspace.viewer.catalog import RunEntry
from simspace.viewer.html import badge, nav, viewer_page
from simspace.wire.live import LiveStatus


def live_html(entry: RunEntry, live: LiveStatus | None) -> str:
    state = live.state if live else "waiting"
    clock = live.event_clock if live else "?"
    done = live.progress if live else 0.0
    body = (
        nav(
            ("runs", "/"),
            (f"{entry.scenario} / {entry.name}", f"/runs/{entry.run_id}"),
            ("live", None),
        )
        + f"<h1>{escape(entry.title)} <small>{escape(entry.variant or 'base')}</small></h1>"
        + '<table class="meta"><tbody>'
        + f'<tr><td>state</td><td id="live-state">{badge(state)}</td></tr>'
        + f'<tr><td>event clock</td><td id="live-clock">{escape(clock)}</td></tr>'
        + f'<tr><td>progress</td><td><progress id="live-progress" max="1" value="{done:.4f}">'
        + f'</progress> <span id="live-percent">{done:.0%}</span></td></tr>'
        + '<tr><td>Spaces</td><td id="live-spaces"></td></tr>'
        + '<tr><td>load</td><td id="live-load"></td></tr>'
        + '<tr><td>message</td><td id="live-message"></td></tr>'
        + "</tbody></table>"
        + f'<p id="live-done" hidden>The run has ended: <a href="/runs/{entry.run_id}">its '
        "results</a>.</p>" + '<div id="charts"></div>'
    )
    data = {
        "page": "live",
        "events": f"/live/{entry.run_id}/events",
        "status": live.model_dump(mode="json") if live else None,
    }
    return viewer_page(f"simspace view: live {entry.title}", body, data)
