"""Filters of the publish log listing."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from ..delivery.models import ChannelSequence, PublishLogEntry


def channel_choices():
    # One row per channel that ever published: cheaper than a DISTINCT over the log.
    ids = ChannelSequence.objects.order_by("channel_id").values_list("channel_id", flat=True)
    return [(channel_id, channel_id) for channel_id in ids]


class PublishLogFilterSet(WagtailFilterSet):
    channel_id = django_filters.ChoiceFilter(
        label=_("Channel"), choices=channel_choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=PublishLogEntry.Status.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    trigger = django_filters.ChoiceFilter(
        label=_("Trigger"),
        choices=PublishLogEntry.Trigger.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=pgettext_lazy("when an update was published", "Published"),
        widget=DateRangePickerWidget,
    )

    class Meta:
        model = PublishLogEntry
        fields = ["channel_id", "status", "trigger", "created_at"]
