"""Redirects followed hop by hop (each checked, bounded) and bodies read up to a cap, with fakes
standing in for the network."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field

import pytest

from simspace.load.actions import Call, Reply
from simspace.load.fetching import (
    MAX_REDIRECTS,
    MIN_SEGMENT_CAP_BYTES,
    Answer,
    BodyError,
    Fetched,
    answered_url,
    decode_body,
    follow_redirects,
    over_cap_message,
    read_capped,
    segment_cap_bytes,
)

HOME = "http://127.0.0.1:8080"


@dataclass
class FakeWeb:
    """Answers by URL; a URL it does not know is a 404. Logs every request it was sent."""

    answers: dict[str, Answer]
    sent: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, method: str, url: str) -> Answer:
        self.sent.append((method, url))
        return self.answers.get(url, Answer(404))


def on_home(url: str) -> bool:
    return url.startswith(HOME + "/")


def moved(status: int, location: str) -> Answer:
    return Answer(status, b"moved", location=location)


def test_an_answer_that_is_no_redirect_is_the_reply() -> None:
    web = FakeWeb({f"{HOME}/a.m3u8": Answer(200, b"#EXTM3U")})
    reply = follow_redirects("GET", f"{HOME}/a.m3u8", web, on_home)
    assert reply == Fetched(200, b"#EXTM3U", url=f"{HOME}/a.m3u8")
    assert web.sent == [("GET", f"{HOME}/a.m3u8")]


def test_redirects_are_followed_each_hop_sent_and_the_reply_knows_its_final_url() -> None:
    web = FakeWeb(
        {
            f"{HOME}/live/a.m3u8": moved(302, "/cdn/b.m3u8"),  # relative to the hop it is on
            f"{HOME}/cdn/b.m3u8": moved(301, "c/stream.m3u8"),
            f"{HOME}/cdn/c/stream.m3u8": Answer(200, b"#EXTM3U"),
        }
    )
    reply = follow_redirects("GET", f"{HOME}/live/a.m3u8", web, on_home)
    assert reply.ok
    assert reply.body == b"#EXTM3U"
    assert answered_url(reply, f"{HOME}/live/a.m3u8") == f"{HOME}/cdn/c/stream.m3u8"
    assert [url for _, url in web.sent] == [
        f"{HOME}/live/a.m3u8",
        f"{HOME}/cdn/b.m3u8",
        f"{HOME}/cdn/c/stream.m3u8",
    ]


def test_a_hop_the_rule_refuses_is_never_sent_and_fails_with_the_refusal() -> None:
    web = FakeWeb({f"{HOME}/seg.ts": moved(302, "http://203.0.113.9/seg.ts")})
    reply = follow_redirects("GET", f"{HOME}/seg.ts", web, on_home)
    assert web.sent == [("GET", f"{HOME}/seg.ts")]  # 203.0.113.9 was never contacted
    assert not reply.ok
    assert reply.status == 302  # what the target answered; not retryable
    assert reply.error_message() == (
        "refused: 203.0.113.9 is outside the allowed target (see --allow-remote)"
    )


def test_an_endless_redirect_stops_after_the_limit() -> None:
    web = FakeWeb({f"{HOME}/loop.m3u8": moved(302, "/loop.m3u8")})
    reply = follow_redirects("GET", f"{HOME}/loop.m3u8", web, on_home)
    assert len(web.sent) == MAX_REDIRECTS + 1 == 6  # the first request and five hops
    assert reply.status == 302
    assert reply.error_message() == "too many redirects (over 5)"


def test_the_limit_counts_hops_so_five_redirects_are_still_followed() -> None:
    answers = {f"{HOME}/{i}": moved(307, f"/{i + 1}") for i in range(MAX_REDIRECTS)}
    answers[f"{HOME}/{MAX_REDIRECTS}"] = Answer(200, b"ok")
    reply = follow_redirects("GET", f"{HOME}/0", FakeWeb(answers), on_home)
    assert reply.ok
    assert answered_url(reply, "") == f"{HOME}/5"


@pytest.mark.parametrize(
    ("status", "method", "then"),
    [(303, "POST", "GET"), (302, "POST", "GET"), (301, "POST", "GET"), (307, "POST", "POST"),
     (308, "POST", "POST"), (302, "GET", "GET")],
)  # fmt: skip
def test_the_method_after_a_redirect(status: int, method: str, then: str) -> None:
    web = FakeWeb({f"{HOME}/start": moved(status, "/then")})
    follow_redirects(method, f"{HOME}/start", web, on_home)
    assert web.sent == [(method, f"{HOME}/start"), (then, f"{HOME}/then")]


def test_a_redirect_without_a_usable_location_is_the_reply_or_a_failure() -> None:
    web = FakeWeb(
        {
            f"{HOME}/none": Answer(302, b"no location"),
            f"{HOME}/bad": moved(302, "http://[::1/x"),
        }
    )
    assert follow_redirects("GET", f"{HOME}/none", web, on_home).status == 302
    bad = follow_redirects("GET", f"{HOME}/bad", web, on_home)
    assert bad.error_message() == "bad redirect location"
    assert [url for _, url in web.sent] == [f"{HOME}/none", f"{HOME}/bad"]


def test_a_plain_reply_came_from_the_url_asked() -> None:
    assert answered_url(Reply(200), "http://x/a") == "http://x/a"
    assert answered_url(Fetched(200), "http://x/a") == "http://x/a"


# -- bodies ------------------------------------------------------------------------------------


@dataclass
class EndlessBody:
    """A body that never ends (like a 50 GB segment generated as it is read)."""

    read_bytes: int = 0

    def read(self, n: int) -> bytes:
        self.read_bytes += n
        return b"\x47" * n


@dataclass
class FixedBody:
    data: bytes
    at: int = 0

    def read(self, n: int) -> bytes:
        chunk = self.data[self.at : self.at + n]
        self.at += len(chunk)
        return chunk


def test_reading_stops_just_past_the_cap() -> None:
    body = EndlessBody()
    assert read_capped(body.read, 1_000_000) is None
    assert body.read_bytes == 1_000_001  # never more than one byte past the cap


def test_a_body_within_its_cap_is_read_whole() -> None:
    data = bytes(range(256)) * 1000
    assert read_capped(FixedBody(data).read, len(data)) == data
    assert read_capped(FixedBody(data).read, len(data) - 1) is None
    assert read_capped(FixedBody(b"").read, 10) == b""


def test_compressed_bodies_are_decoded_within_the_cap() -> None:
    text = b"#EXTM3U\n" + b"#EXTINF:2.0,\nseg.ts\n" * 100
    assert decode_body(gzip.compress(text), "gzip", 10_000) == text
    assert decode_body(zlib.compress(text), "deflate", 10_000) == text
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decode_body(raw_deflate.compress(text) + raw_deflate.flush(), "Deflate", 10_000) == text
    assert decode_body(text, "", 10_000) == text
    assert decode_body(text, "identity", 10_000) == text


def test_a_compression_bomb_is_over_the_cap_without_being_inflated() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    assert len(bomb) < 100_000
    assert decode_body(bomb, "gzip", 1_048_576) is None


@pytest.mark.parametrize(
    ("raw", "encoding", "error"),
    [
        (b"x", "br", "unsupported content encoding 'br'"),
        (b"not gzip", "gzip", "corrupt gzip body"),
        (b"not deflate", "deflate", "corrupt deflate body"),
        (gzip.compress(b"abc" * 1000)[:20], "gzip", "corrupt gzip body"),
    ],
)
def test_undecodable_bodies_are_errors(raw: bytes, encoding: str, error: str) -> None:
    with pytest.raises(BodyError, match=error):
        decode_body(raw, encoding, 10_000)


def test_a_segment_cap_follows_its_duration_within_bounds() -> None:
    # 2 Mbit/s for 6 s is 1.5 MB: twice that
    assert segment_cap_bytes(6.0, 2_000_000) == 3_000_000
    assert segment_cap_bytes(0.0, 2_000_000) == MIN_SEGMENT_CAP_BYTES
    # a playlist's word for a segment's duration counts up to a minute
    assert segment_cap_bytes(1e12, 2_000_000) == segment_cap_bytes(60.0, 2_000_000)
    assert [segment_cap_bytes(s, 500_000) for s in (1.0, 2.0, 4.0)] == [125_000, 250_000, 500_000]


def test_the_over_cap_error_names_what_was_asked() -> None:
    assert over_cap_message(Call("GET", "/x.ts", "cdn", "cdn: segment", 1.0)) == (
        "segment over size cap"
    )
    assert over_cap_message(Call("GET", "/x", "cdn", "flood", 1.0)) == "flood over size cap"
