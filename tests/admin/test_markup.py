"""The admin's pieces built in Python give the markup of the Wagtail tags they stand for."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from wagtail_live_admin.admin.dates import human_readable_date
from wagtail_live_admin.admin.filters import ChannelSelect
from wagtail_live_admin.admin.statuses import status_html
from wagtail_live_admin.models import PublishLogEntry

Status = PublishLogEntry.Status


def squeezed(html: str) -> str:
    """The markup without the whitespace templates leave between and inside tags."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def wagtail(source: str, **context) -> str:
    return Template("{% load wagtailadmin_tags %}" + source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("ago", [timedelta(seconds=5), timedelta(hours=3), timedelta(days=40)])
def test_human_readable_date_is_wagtails(language, ago):
    when = timezone.now() - ago
    with translation.override(language):
        expected = wagtail("{% human_readable_date when %}", when=when)
        assert squeezed(human_readable_date(when)) == squeezed(expected)


@pytest.mark.parametrize("status", [Status.SENT, Status.PENDING])
def test_a_status_is_wagtails_status_tag(status):
    entry = PublishLogEntry(status=status)
    primary = "w-status--primary" if status == Status.SENT else None
    expected = wagtail(
        "{% status label classname=primary %}", label=entry.get_status_display(), primary=primary
    )
    assert squeezed(status_html(entry)) == squeezed(expected)


def test_a_status_tag_is_in_the_language_of_each_request():
    entry = PublishLogEntry(status=Status.SENT)
    for language, label in [("en", "Sent"), ("de", "Gesendet"), ("en", "Sent")]:
        with translation.override(language):
            assert f">{label}</span>" in status_html(entry)


def test_a_failure_shows_its_error_with_wagtails_warning_icon():
    entry = PublishLogEntry(status=Status.FAILED, error='ConnectionError: <down> & "out"')
    icon = wagtail('{% icon name="warning" classname="w-w-4 w-h-4" %}')
    assert squeezed(status_html(entry)) == squeezed(
        '<span class="w-status w-status--label w-text-critical-200" '
        'title="ConnectionError: &lt;down&gt; &amp; &quot;out&quot;">' + icon + "Failed</span>"
    )


def test_a_recovered_failure_says_so_to_screen_readers_too():
    entry = PublishLogEntry(status=Status.FAILED, error="ConnectionError")
    entry.recovered = True
    html = status_html(entry)
    assert "data-live-recovered" in html and ">Recovered<" in html
    assert '<span class="w-sr-only">: The push failed, but every reader caught up' in html


def wagtail_cell(column, instance) -> str:
    return column.render_cell_html(instance, {"request": None, "row": None, "table": None})


def test_the_logs_plain_cells_are_wagtails_columns(make_live_page, django_user_model):
    from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn, UserColumn

    from wagtail_live_admin.admin import log_table as cells

    page = make_live_page(title="Cup final", channel_id="cup")
    type(page).objects.filter(pk=page.pk).update(title="Cup <final>")  # escaped alike
    named = django_user_model.objects.create_user("anna", first_name="Anna", last_name="Lee")
    unnamed = django_user_model.objects.create_user("ben")
    entries = [
        PublishLogEntry.objects.record("cup", {"p1": {}}, ["p2"], page=page, user=named),
        PublishLogEntry.objects.record("gone", {}, [], user=unnamed),  # no page, no counts
    ]
    entries[0].mark(Status.SENT, subscribers=1234)
    pairs = [
        (
            TitleColumn(
                "update",
                accessor=lambda entry: f"{entry.channel_id} #{entry.seq}",
                url_name="live_admin:entry",
            ),
            cells.update,
        ),
        (Column("page"), cells.page),
        (Column("get_trigger_display"), cells.trigger),
        (Column("render_count"), cells.number("render_count")),
        (Column("removal_count"), cells.number("removal_count")),
        (Column("subscribers"), cells.number("subscribers")),
        (UserColumn("user"), cells.user),
        (DateColumn("created_at"), cells.published),
    ]
    for entry in cells.log_entries().filter(pk__in=[e.pk for e in entries]):
        for language in ("en", "de"):
            with translation.override(language):
                for column, cell in pairs:
                    expected = squeezed(wagtail_cell(column, entry))
                    assert squeezed(cell(entry, None)) == expected, column.name


@pytest.mark.parametrize("value", ["", "café.1"])
def test_the_channel_filter_is_djangos_select(value):
    choices = [("", "All"), ("café.1", "café.1"), ('a<b&"c', 'a<b&"c')]
    attrs = {"id": "id_channel_id"}
    ours = ChannelSelect(choices=choices).render("channel_id", value, attrs)
    djangos = forms.Select(choices=choices).render("channel_id", value, attrs)
    assert squeezed(ours) == squeezed(djangos)
