"""``wagtail_live_admin.utils``: wagtail-live's helpers, with its names and behaviour."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.testapp.models import LiveBlogPage
from wagtail_live_admin import utils
from wagtail_live_admin.publishers.django_channels import DjangoChannelsPublisher


def test_get_setting_or_raise_returns_the_value_or_says_what_to_set(settings):
    settings.SLACK_BOT_TOKEN = "xoxb-1"
    assert utils.get_setting_or_raise("SLACK_BOT_TOKEN", "Slack bot token") == "xoxb-1"
    settings.SLACK_BOT_TOKEN = ""
    with pytest.raises(ImproperlyConfigured, match="a Slack bot token .* set SLACK_BOT_TOKEN"):
        utils.get_setting_or_raise("SLACK_BOT_TOKEN", "Slack bot token")


def test_get_setting_or_raise_knows_this_packages_defaults(settings):
    del settings.WAGTAIL_LIVE_PUBLISHER
    value = utils.get_setting_or_raise("WAGTAIL_LIVE_PUBLISHER", "live publisher")
    assert value == "wagtail_live_admin.publishers.django_channels.DjangoChannelsPublisher"


def test_get_live_page_model_needs_no_setting_with_one_live_page_model(settings):
    settings.WAGTAIL_LIVE_PAGE_MODEL = None
    assert utils.get_live_page_model() is LiveBlogPage
    settings.WAGTAIL_LIVE_PAGE_MODEL = "tests.testapp.models.LiveBlogPage"
    assert utils.get_live_page_model() is LiveBlogPage


def test_get_live_page_model_refuses_a_model_that_is_not_a_live_page(settings):
    settings.WAGTAIL_LIVE_PAGE_MODEL = "wagtail.models.Page"
    with pytest.raises(ImproperlyConfigured, match="wagtail.models.Page doesn't inherit"):
        utils.get_live_page_model()


def test_get_live_publisher_returns_the_configured_class(settings):
    assert utils.get_live_publisher() is DjangoChannelsPublisher
    settings.WAGTAIL_LIVE_PUBLISHER = None
    with pytest.raises(ImproperlyConfigured, match="publishing is switched off"):
        utils.get_live_publisher()


def test_get_live_receiver_is_none_without_a_receiver(settings):
    settings.WAGTAIL_LIVE_RECEIVER = None
    assert utils.get_live_receiver() is None


def test_get_live_receiver_returns_the_receiver_and_refuses_anything_else(settings):
    slack = pytest.importorskip("wagtail_live_admin.receivers.slack")  # the receivers' part
    settings.WAGTAIL_LIVE_RECEIVER = "wagtail_live_admin.receivers.slack.SlackEventsAPIReceiver"
    assert utils.get_live_receiver() is slack.SlackEventsAPIReceiver
    settings.WAGTAIL_LIVE_RECEIVER = "tests.testapp.models.LiveBlogPage"
    with pytest.raises(ImproperlyConfigured, match="doesn't inherit from .*BaseMessageReceiver"):
        utils.get_live_receiver()


def test_polling_settings_keep_wagtail_lives_defaults(settings):
    assert (utils.get_polling_timeout(), utils.get_polling_interval()) == (60, 3000)
    settings.WAGTAIL_LIVE_POLLING_TIMEOUT, settings.WAGTAIL_LIVE_POLLING_INTERVAL = 30, 1000
    assert (utils.get_polling_timeout(), utils.get_polling_interval()) == (30, 1000)


def test_is_embed_tells_embeddable_urls_from_text():
    assert utils.is_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert not utils.is_embed("Goal! 1-0")
    assert not utils.is_embed("https://example.com/not-a-provider")


def test_supported_mime_types_are_wagtail_lives():
    assert utils.SUPPORTED_MIME_TYPES == ["png", "jpeg", "gif"]
