"""How a run against a real target is shown: what was loaded, under which opt-ins, and how the
segment downloads kept up with playback (HTML section and console rows)."""

from __future__ import annotations

from html import escape

from simspace.results.model import RunResult, SegmentStats


def target_rows(result: RunResult) -> list[tuple[str, str]]:
    """(label, text) rows for the console summary and the HTML section; empty for the stub."""
    target = result.target
    if target is None:
        return []
    where = "loopback" if target.loopback else "REMOTE"
    opt_ins = [flag for flag, on in (("--allow-remote", target.allow_remote),
                                     ("--allow-attack", target.allow_attack)) if on]  # fmt: skip
    rows = [
        ("target", f"{target.url} ({where}: {', '.join(target.addresses)})"),
        ("join API", "Spaces join API" if target.join_api == "spaces" else "none: plain HLS"),
        ("opt-ins", ", ".join(opt_ins) or "none"),
        ("attack traffic", "sent" if target.attacks else "none"),
    ]
    segments = result.segments
    if segments is not None:
        rows += segment_rows(segments)
    return rows


def segment_rows(s: SegmentStats) -> list[tuple[str, str]]:
    def secs(value: float | None) -> str:
        if value is None:
            return "n/a"
        return f"{value * 1000:.3g}ms" if value < 1 else f"{value:.3g}s"

    def times(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2g}x"

    slow = "n/a" if s.slow_ratio is None else f"{s.slow_ratio:.1%}"
    return [
        (
            "segments",
            f"{s.downloads} downloaded, {s.failed} failed, {s.slow} slower than real time ({slow})",
        ),
        (
            "segment download",
            ", ".join(f"{k} {secs(s.download_s.get(k))}" for k in ("p50", "p95", "p99", "max")),
        ),
        (
            "download / duration",
            ", ".join(f"{k} {times(s.ratio.get(k))}" for k in ("p50", "p95", "p99", "max")),
        ),
    ]


def target_section(result: RunResult) -> str:
    """The report's "Target" section (empty against the stub), and why a run stopped early."""
    parts: list[str] = []
    if result.stopped_early:
        parts.append(f'<p class="bad">Stopped early: {escape(result.stopped_early)}</p>')
    rows = target_rows(result)
    if rows:
        body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
        parts.append(
            "<p>A real service was loaded in real time. Facts and gates about the platform's "
            "own state (Spaces, when they went live or ended) do not apply and show as not "
            "observable; listener-side ones do.</p>"
            f'<div class="scroll"><table><tbody>{body}</tbody></table></div>'
        )
    if not parts:
        return ""
    title = "Target" if rows else "Stopped early"
    return f'<section id="target"><h2>{title}</h2>{"".join(parts)}</section>'
