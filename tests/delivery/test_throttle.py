"""Unit tests of delivery/throttle.py: how often one user may re-push one channel.

Slots are counted in the test settings' locmem cache, emptied around each test; no database.
"""

import warnings
from types import SimpleNamespace

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.test import override_settings

from wagtail_live_admin.delivery.refusals import Throttled
from wagtail_live_admin.delivery.throttle import take_republish_slot, take_slot

EDITOR, OTHER_EDITOR = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
CHANNEL = "match-day.1"


pytestmark = pytest.mark.usefixtures("fresh_cache")


def take(times, user=EDITOR, channel_id=CHANNEL):
    return [take_republish_slot(user, channel_id) for _ in range(times)]


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=2)
def test_take_republish_slot_passes_up_to_the_rate():
    assert take(2) == [0, 0]


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=2)
def test_take_republish_slot_past_the_rate_returns_seconds_to_wait():
    take(2)
    assert 1 <= take_republish_slot(EDITOR, CHANNEL) <= 60


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=2)
def test_take_republish_slot_keeps_refusing_within_the_minute():
    take(2)
    assert all(wait > 0 for wait in take(3))


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=2)
def test_take_republish_slot_other_user_has_slots_of_their_own():
    take(2)
    assert take(2, user=OTHER_EDITOR) == [0, 0]


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=2)
def test_take_republish_slot_other_channel_has_slots_of_its_own():
    take(2)
    assert take(2, channel_id="match-day.2") == [0, 0]


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=None)
def test_take_republish_slot_rate_none_never_limits():
    assert take(50) == [0] * 50


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_take_republish_slot_no_user_is_never_limited():
    # A management command re-pushes without a user.
    assert take(5, user=None) == [0] * 5


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_take_republish_slot_no_user_takes_no_users_slot():
    take(5, user=None)
    assert take_republish_slot(EDITOR, CHANNEL) == 0


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_take_slot_passes_within_the_rate():
    assert take_slot(EDITOR, CHANNEL) is None


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_take_slot_raises_throttled_past_the_rate():
    take_slot(EDITOR, CHANNEL)
    with pytest.raises(Throttled):
        take_slot(EDITOR, CHANNEL)


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_take_slot_throttled_names_the_channel_and_the_wait():
    take_slot(EDITOR, CHANNEL)
    with pytest.raises(Throttled) as refused:
        take_slot(EDITOR, CHANNEL)
    message = str(refused.value)
    assert f"“{CHANNEL}”" in message
    assert f"Try again in {refused.value.wait} second" in message


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_take_slot_throttled_is_too_many_requests():
    take_slot(EDITOR, CHANNEL)
    with pytest.raises(Throttled) as refused:
        take_slot(EDITOR, CHANNEL)
    assert refused.value.status_code == 429


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=3)
def test_throttled_message_states_the_rate():
    assert "3 times a minute" in str(Throttled(CHANNEL, 20))


@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_throttled_message_one_of_each_is_singular():
    message = str(Throttled(CHANNEL, 1))
    assert "1 time a minute" in message
    assert "Try again in 1 second." in message


@pytest.mark.parametrize(
    "channel_id",
    ["match day 1", "x" * 300, "finale-müller-⚽", "line\nbreak"],
    ids=["spaces", "300-chars", "non-ascii", "control-character"],
)
@override_settings(WAGTAIL_LIVE_REPUBLISH_RATE=1)
def test_take_republish_slot_odd_channel_id_is_limited_without_key_warnings(channel_id):
    # Django warns of keys that Memcached would refuse (spaces, control characters, over
    # 250 characters): as errors here, so an unhashed channel id in the key fails.
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        first, second = take(2, channel_id=channel_id)
    assert first == 0
    assert second > 0
