import re

from wagtail_live_admin.realtime.groups import live_group_name

VALID = re.compile(r"^[a-zA-Z\d\-_.]{1,99}$")  # what channels accepts


def test_readable_ids_keep_a_readable_group_name():
    assert live_group_name("match-day.1") == "wagtail_live_admin.c.match-day.1"


def test_every_id_gives_a_valid_distinct_group_name():
    ids = ["a", "-100123", "a" * 80, "a" * 300, "café", "with space", "x/y", "h.abc"]
    names = [live_group_name(channel_id) for channel_id in ids]
    assert all(VALID.match(name) for name in names), names
    assert len(set(names)) == len(ids)
