"""Unit tests of delivery/frames.py: the JSON frame every reader's browser receives."""

import json
from datetime import UTC, datetime

from wagtail_live_admin.delivery.frames import encode_frame

PUBLISHED = datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)
RENDERS = {"post-1": {"show": True, "content": "<p>Goal!</p>"}}


def frame(**overrides) -> str:
    arguments = {
        "channel_id": "match-day.1",
        "renders": RENDERS,
        "removals": ["post-0"],
        "seq": 42,
        "published_at": PUBLISHED,
        **overrides,
    }
    return encode_frame(**arguments)


def test_encode_frame_wagtail_live_keys_come_first():
    assert list(json.loads(frame()))[:2] == ["renders", "removals"]


def test_encode_frame_keys_in_wire_order():
    keys = list(json.loads(frame()))
    assert keys == ["renders", "removals", "seq", "channel_id", "published_at"]


def test_encode_frame_round_trips_renders():
    assert json.loads(frame())["renders"] == RENDERS


def test_encode_frame_round_trips_removals():
    assert json.loads(frame(removals=["post-0", "post-7"]))["removals"] == ["post-0", "post-7"]


def test_encode_frame_carries_seq_and_channel_id():
    decoded = json.loads(frame(seq=7, channel_id="final.2024"))
    assert (decoded["seq"], decoded["channel_id"]) == (7, "final.2024")


def test_encode_frame_published_at_is_iso_8601():
    assert datetime.fromisoformat(json.loads(frame())["published_at"]) == PUBLISHED


def test_encode_frame_is_compact():
    # Nothing in this frame has a space of its own: any space is a separator's.
    assert " " not in frame()


def test_encode_frame_removals_tuple_comes_out_as_list_in_order():
    decoded = json.loads(frame(removals=("post-3", "post-1", "post-2")))
    assert decoded["removals"] == ["post-3", "post-1", "post-2"]


def test_encode_frame_empty_update_keeps_both_keys():
    decoded = json.loads(frame(renders={}, removals=[]))
    assert (decoded["renders"], decoded["removals"]) == ({}, [])


def test_encode_frame_non_ascii_content_survives_round_trip():
    renders = {"post-1": {"show": True, "content": "<p>Müller trifft — 1–0 ⚽ «Tor»</p>"}}
    assert json.loads(frame(renders=renders))["renders"] == renders
