"""Real targets: resolving `--target`, the loopback rule and its opt-ins, and which URLs a
listener may follow. No network: names resolve through a fake resolver."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from simspace.errors import UnsafeTargetError, UsageError
from simspace.scenario.platform import TargetShape
from simspace.target import Target, refusal_message, resolve_target, url_allowed

HOSTS = {
    "localhost": ["127.0.0.1", "::1"],
    "media.example.net": ["203.0.113.7"],
    "split.example.net": ["127.0.0.1", "203.0.113.8"],
}
PLAIN = TargetShape()
SPACES = TargetShape(join_api="spaces")


def fake_resolver(host: str) -> Sequence[str]:
    if host in HOSTS:
        return HOSTS[host]
    if host.replace(".", "").isdigit() or ":" in host:
        return [host]
    raise OSError("Name or service not known")


def resolve(
    url: str,
    shape: TargetShape = PLAIN,
    *,
    remote: bool = False,
    attack: bool = False,
    attacks: bool = False,
) -> Target:
    return resolve_target(
        url,
        shape,
        allow_remote=remote,
        allow_attack=attack,
        has_attacks=attacks,
        resolver=fake_resolver,
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/live/stream.m3u8",
        "http://127.8.9.10/live.m3u8",
        "http://[::1]:9000/hls/master.m3u8",
        "http://localhost:8080/a.m3u8",
    ],
)
def test_loopback_targets_need_no_opt_in(url: str) -> None:
    target = resolve(url)
    assert target.loopback
    assert target.playlist_url == url
    assert not target.allow_remote


@pytest.mark.parametrize(
    "url",
    [
        "http://203.0.113.7/live.m3u8",
        "https://media.example.net/live/master.m3u8",
        "http://split.example.net/live.m3u8",  # one loopback address is not enough
        "http://[2001:db8::1]:8080/live.m3u8",
        "http://0.0.0.0:8080/live.m3u8",
    ],
)
def test_other_targets_are_refused_without_allow_remote(url: str) -> None:
    with pytest.raises(UnsafeTargetError, match="--allow-remote"):
        resolve(url)
    target = resolve(url, remote=True)
    assert not target.loopback
    assert target.allow_remote


def test_attacks_against_a_remote_target_need_allow_attack_too() -> None:
    url = "https://media.example.net/live.m3u8"
    with pytest.raises(UnsafeTargetError, match="--allow-attack"):
        resolve(url, remote=True, attacks=True)
    target = resolve(url, remote=True, attack=True, attacks=True)
    assert (target.allow_attack, target.attacks) == (True, True)
    # against this machine attacks need no opt-in
    assert resolve("http://127.0.0.1:8080/x.m3u8", attacks=True).attacks


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://127.0.0.1/live.m3u8", "expected an http"),
        ("127.0.0.1:8080/live.m3u8", "expected an http"),
        ("http:///live.m3u8", "expected an http"),
        ("http://127.0.0.1:99999/live.m3u8", "bad port"),
        ("http://no-such-host.invalid/live.m3u8", "cannot resolve"),
        ("http://127.0.0.1:8080/", "name the live playlist"),
    ],
)
def test_malformed_targets_are_usage_errors(url: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve(url)


def test_the_playlist_comes_from_the_url_the_shape_or_the_join_api() -> None:
    with_path = TargetShape(playlist="/live/stream.m3u8")
    assert resolve("http://127.0.0.1:8080", with_path).playlist_url == (
        "http://127.0.0.1:8080/live/stream.m3u8"
    )
    spaces = resolve("http://127.0.0.1:8080/", SPACES)
    assert spaces.playlist_url is None
    assert spaces.origin == "http://127.0.0.1:8080"
    assert resolve("https://[::1]/a.m3u8").origin == "https://[::1]:443"


def test_listeners_follow_only_allowed_urls() -> None:
    local = resolve("http://127.0.0.1:8080/live/master.m3u8")
    assert url_allowed(local, "http://127.0.0.1:8080/live/seg1.ts")
    assert url_allowed(local, "http://127.0.0.1:9090/elsewhere.ts")  # loopback, another port
    assert url_allowed(local, "http://localhost:8080/seg.ts")
    assert not url_allowed(local, "http://203.0.113.7/seg.ts")
    assert not url_allowed(local, "https://cdn.example.net/seg.ts")  # no DNS: a name is remote
    assert not url_allowed(local, "file:///etc/passwd")
    assert not url_allowed(local, "http://127.0.0.1:bad/seg.ts")
    remote = resolve("https://media.example.net/live.m3u8", remote=True)
    assert url_allowed(remote, "https://media.example.net/seg.ts")
    assert url_allowed(remote, "https://cdn.example.net/seg.ts")


def test_a_number_that_only_the_system_resolver_reads_as_loopback_is_refused() -> None:
    """`2130706434` is 127.0.0.2 to getaddrinfo, but the rule reads no DNS: it is refused."""
    local = resolve("http://127.0.0.1:8080/live/master.m3u8")
    assert url_allowed(local, "http://127.0.0.2:8080/seg.ts")
    assert not url_allowed(local, "http://2130706434:8080/seg.ts")
    assert refusal_message("http://2130706434:8080/seg.ts") == (
        "refused: 2130706434 is outside the allowed target (see --allow-remote)"
    )


def test_the_body_caps_come_from_the_scenario_s_target_shape() -> None:
    default = resolve("http://127.0.0.1:8080/live.m3u8")
    assert (default.max_bitrate_bps, default.max_playlist_bytes) == (2_000_000, 1_048_576)
    shape = TargetShape.model_validate({"max_bitrate_bps": "500k", "max_playlist_bytes": "64k"})
    tight = resolve("http://127.0.0.1:8080/live.m3u8", shape)
    assert (tight.max_bitrate_bps, tight.max_playlist_bytes) == (500_000, 64_000)
    with pytest.raises(ValueError, match="max_bitrate_bps"):
        TargetShape.model_validate({"max_bitrate_bps": 0})
    # a result.json written before the caps existed still loads
    older = default.model_dump(exclude={"max_bitrate_bps", "max_playlist_bytes"})
    assert Target.model_validate(older) == default
