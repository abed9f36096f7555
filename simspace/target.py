"""A real target (`simspace run --target URL`): what it is, whether simspace may load it, and
which URLs its listeners may follow.

Safety (docs/running.md): simspace sends traffic to loopback only unless told otherwise. A target
whose host resolves to any address that is not loopback needs `--allow-remote`; a scenario with
attacks against such a target needs `--allow-attack` as well. The check runs before anything
starts, so a refused target never sees a packet. Playlists can point elsewhere (a CDN host): a
listener follows a URL only on the target's own origin, on a loopback address, or anywhere with
`--allow-remote`; the same rule applies to every hop of a redirect (docs/targets.md). What it
reads is bounded too: a segment by `max_bitrate_bps`, anything else by `max_playlist_bytes`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from typing import Literal
from urllib.parse import SplitResult, urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from simspace.errors import UnsafeTargetError, UsageError
from simspace.scenario.platform import (
    DEFAULT_MAX_BITRATE_BPS,
    DEFAULT_MAX_PLAYLIST_BYTES,
    TargetShape,
)

Resolver = Callable[[str], Sequence[str]]
"""host -> its IP addresses (as text); raises OSError when it cannot be resolved."""


class Target(BaseModel):
    """A real service under load, as resolved and allowed before the run; kept in result.json."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="--target as given")
    origin: str = Field(description="scheme://host:port every request goes to")
    playlist_url: str | None = Field(
        description="the live playlist listeners load (join_api none); null: from the join API"
    )
    join_api: Literal["none", "spaces"] = Field(description="from the scenario's target shape")
    addresses: list[str] = Field(description="what the host resolved to")
    loopback: bool = Field(description="every address is loopback")
    allow_remote: bool = Field(description="--allow-remote was given")
    allow_attack: bool = Field(description="--allow-attack was given")
    attacks: bool = Field(description="attack traffic was sent (the scenario has attacks)")
    max_bitrate_bps: float = Field(
        DEFAULT_MAX_BITRATE_BPS, description="a segment's size cap per second of it (x2)"
    )
    max_playlist_bytes: float = Field(
        DEFAULT_MAX_PLAYLIST_BYTES, description="the size cap of a playlist or an API answer"
    )


def system_resolver(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def resolve_target(
    url: str,
    shape: TargetShape,
    *,
    allow_remote: bool,
    allow_attack: bool,
    has_attacks: bool,
    resolver: Resolver = system_resolver,
) -> Target:
    """The target behind `url`, or UsageError (malformed) / UnsafeTargetError (not allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--target {url!r}: expected an http(s) URL, e.g. http://127.0.0.1:8080/live.m3u8"
        )
    origin = _origin(parts)
    if origin is None:
        raise UsageError(f"--target {url!r}: bad port")
    host = parts.hostname
    try:
        addresses = sorted(set(resolver(host)))
    except OSError as exc:
        raise UsageError(f"--target {url!r}: cannot resolve {host!r} ({exc})") from None
    if not addresses:
        raise UsageError(f"--target {url!r}: {host!r} resolved to no address")
    loopback = all(_is_loopback(a) for a in addresses)
    if not loopback and not allow_remote:
        raise UnsafeTargetError(
            f"--target {url!r}: {host} is not a loopback address ({', '.join(addresses)}); "
            "simspace loads only this machine unless you pass --allow-remote (and only load "
            "services you are allowed to load)"
        )
    if has_attacks and not loopback and not allow_attack:
        raise UnsafeTargetError(
            f"--target {url!r}: the scenario has attacks and {host} is not loopback; attack "
            "traffic against another machine needs --allow-attack as well as --allow-remote"
        )
    playlist_url: str | None = None
    if shape.join_api == "none":
        if parts.path.endswith(".m3u8"):
            playlist_url = url
        elif shape.playlist:
            playlist_url = urljoin(origin, shape.playlist)
        else:
            raise UsageError(
                f"--target {url!r}: name the live playlist (…/stream.m3u8) or set the "
                "scenario's target.playlist"
            )
    return Target(
        url=url,
        origin=origin,
        playlist_url=playlist_url,
        join_api=shape.join_api,
        addresses=addresses,
        loopback=loopback,
        allow_remote=allow_remote,
        allow_attack=allow_attack,
        attacks=has_attacks,
        max_bitrate_bps=shape.max_bitrate_bps,
        max_playlist_bytes=shape.max_playlist_bytes,
    )


def url_allowed(target: Target, url: str) -> bool:
    """May a listener follow `url` (found in a playlist or an API answer)? No DNS here: a host
    name on another origin counts as remote unless it is `localhost`."""
    parts = urlsplit(url)
    origin = _origin(parts) if parts.scheme in ("http", "https") else None
    if origin is None or not parts.hostname:
        return False
    if origin == target.origin or target.allow_remote:
        return True
    return parts.hostname == "localhost" or _is_loopback(parts.hostname)


def refusal_message(url: str) -> str:
    """What a listener records for a URL `url_allowed` refused (it was never requested)."""
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        host = url
    return f"refused: {host} is outside the allowed target (see --allow-remote)"


def _origin(parts: SplitResult) -> str | None:
    """`scheme://host:port` with the default port filled in; None for a bad port."""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{netloc}:{port}"
