"""System checks name the misconfiguration and its fix."""

from django.core.checks import run_checks
from django.test import override_settings

from tests.settings import IN_MEMORY_LAYER


def check_ids():
    return {
        message.id
        for message in run_checks()
        if message.id.startswith("wagtail_live_admin") and not message.is_silenced()
    }


def test_the_test_settings_pass():
    assert check_ids() == set()


@override_settings(WAGTAIL_LIVE_PUBLISHER=None)
def test_no_publisher_is_a_warning():
    assert check_ids() == {"wagtail_live_admin.W001"}


@override_settings(WAGTAIL_LIVE_PUBLISHER="no.such.Publisher")
def test_a_publisher_that_cannot_be_imported_is_an_error():
    [error] = [m for m in run_checks() if m.id == "wagtail_live_admin.E001"]
    assert "no.such.Publisher" in error.msg


@override_settings(WAGTAIL_LIVE_PUBLISHER="wagtail_live_admin.groups.live_group_name")
def test_a_publisher_of_the_wrong_kind_is_an_error():
    assert check_ids() == {"wagtail_live_admin.E002"}


@override_settings(WAGTAIL_LIVE_PRESENCE_BACKEND="no.such.Presence")
def test_a_presence_backend_that_cannot_be_imported_is_an_error():
    [error] = [m for m in run_checks() if m.id == "wagtail_live_admin.E004"]
    assert "no.such.Presence" in error.msg


@override_settings(WAGTAIL_LIVE_PRESENCE_BACKEND="wagtail_live_admin.groups.live_group_name")
def test_a_presence_backend_of_the_wrong_kind_is_an_error():
    assert check_ids() == {"wagtail_live_admin.E005"}


@override_settings(
    WAGTAIL_LIVE_PRESENCE_BACKEND="wagtail_live_admin.presence.memory.MemoryPresence"
)
def test_a_presence_backend_named_by_its_path_passes():
    assert check_ids() == set()


@override_settings(CHANNEL_LAYERS={})
def test_no_channel_layer_is_an_error():
    assert check_ids() == {"wagtail_live_admin.E003"}


@override_settings(
    CHANNEL_LAYERS={"default": IN_MEMORY_LAYER}, DEBUG=False, SILENCED_SYSTEM_CHECKS=[]
)
def test_in_memory_layer_in_production_is_a_warning():
    assert check_ids() == {"wagtail_live_admin.W002"}


@override_settings(
    CHANNEL_LAYERS={"default": IN_MEMORY_LAYER}, DEBUG=True, SILENCED_SYSTEM_CHECKS=[]
)
def test_in_memory_layer_in_development_is_fine():
    assert check_ids() == set()
