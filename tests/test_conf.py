import pytest
from django.test import override_settings

from wagtail_live_admin import conf
from wagtail_live_admin.publishers.django_channels import DjangoChannelsPublisher
from wagtail_live_admin.publishers.websocket import BaseWebsocketPublisher


class RecordingPublisher(BaseWebsocketPublisher):
    def publish(self, channel_id, renders, removals):
        return ("published", channel_id, renders, removals)


def test_defaults_apply_when_a_setting_is_absent():
    assert conf.get_setting("SYNC_WITH_ADMIN") is True
    assert isinstance(conf.get_publisher(), DjangoChannelsPublisher)


def test_overridden_publisher_takes_effect_and_is_reset():
    with override_settings(WAGTAIL_LIVE_PUBLISHER="tests.test_conf.RecordingPublisher"):
        assert isinstance(conf.get_publisher(), RecordingPublisher)
    assert isinstance(conf.get_publisher(), DjangoChannelsPublisher)


def test_unknown_setting_names_are_refused():
    with pytest.raises(KeyError, match="NOPE"):
        conf.get_setting("NOPE")


def test_base_publisher_publish_is_abstract():
    with pytest.raises(NotImplementedError):
        BaseWebsocketPublisher().publish(channel_id="c", renders={}, removals=[])


@pytest.mark.django_db
def test_base_publisher_renders_posts_and_returns_publish(live_page):
    from tests.posts import post_value

    live_page.live_posts.append(("live_post", post_value("Hi", message_id="m")))
    post = live_page.live_posts[0]
    post.id = "p1"
    result = RecordingPublisher()(
        sender=type(live_page), channel_id="c", renders=[post], removals=["gone"], page=live_page
    )
    assert result[0:2] == ("published", "c")
    assert list(result[2]) == ["p1"]
    assert result[2]["p1"]["show"] is True
    assert 'data-post-id="p1"' in result[2]["p1"]["content"] and "Hi" in result[2]["p1"]["content"]
    assert result[3] == ["gone"]
