"""The publish log's table: its rows built in Python (admin/tables.py), one row alone for htmx.

``entry`` is a row of ``log_entries()``. The cells' markup is that of the Wagtail
columns and templates they stand for (tests/admin/test_markup.py compares them).
"""

from functools import cache
from types import SimpleNamespace

from django.contrib.admin.utils import quote
from django.db.models import F, Prefetch
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from wagtail.admin.templatetags.wagtailadmin_tags import avatar_url

from ..delivery.models import PublishLogEntry
from .dates import human_readable_date
from .permissions import can_republish
from .statuses import WARNING_ICON, status_html
from .tables import CellTable, format_cell, row_url, title_cell, value_cell

Status, Trigger = PublishLogEntry.Status, PublishLogEntry.Trigger


def log_entries():
    """Entries with all that a row shows, in a fixed number of queries for any number of rows."""
    republishes = PublishLogEntry.objects.only(
        "pk", "seq", "status", "error", "republish_of_id"
    ).order_by("-seq")
    return (
        PublishLogEntry.objects.select_related("page", "user", "user__wagtail_userprofile")
        .defer("history")
        .annotate(original_seq=F("republish_of__seq"))
        .prefetch_related(Prefetch("republishes", queryset=republishes, to_attr="republish_list"))
    )


def delivery(entry: PublishLogEntry) -> str:
    """Whether the update reached readers, counting its re-publishes: sent, pending or failed."""
    republishes = getattr(entry, "republish_list", [])
    statuses = {entry.status, *(republish.status for republish in republishes)}
    for status in (Status.SENT, Status.PENDING):
        if status in statuses:
            return status
    return Status.FAILED


class PublishLogTable(CellTable):
    def get_row_attrs(self, instance):
        # An id for htmx to swap the row by; the update's delivery for styles and tests.
        return {
            **super().get_row_attrs(instance),
            "id": f"live-log-entry-{instance.pk}",
            "data-live-entry": instance.pk,
            "data-live-delivery": delivery(instance),
        }


# The cells, a function per column.


def update(entry, request) -> SafeString:
    url = row_url("live_admin:entry", quote(entry.pk))
    return title_cell(url, f"{entry.channel_id} #{entry.seq}")


def page(entry, request) -> SafeString:
    return value_cell(entry.page)


def status(entry, request) -> SafeString:
    return format_cell('<td data-live-status="{}">{}</td>', entry.status, status_html(entry))


def trigger(entry, request) -> SafeString:
    label = fixed(get_language()).triggers.get(entry.trigger, entry.trigger)
    return value_cell(label)


def number(name: str):
    def cell(entry, request) -> SafeString:
        value = getattr(entry, name)
        return value_cell(None if value is None else localize(value))

    return cell


def user(entry, request) -> SafeString:
    """Wagtail's user cell: the avatar and the full name (else the username)."""
    if entry.user is None:
        return value_cell("")
    name = entry.user.get_full_name().strip() or entry.user.get_username()
    return format_cell(
        '<td><span class="avatar small"><img src="{}" alt="" decoding="async" loading="lazy"/>'
        "</span>{}</td>",
        avatar_url(entry.user, size=25),
        name,
    )


def published(entry, request) -> SafeString:
    return value_cell(human_readable_date(entry.created_at) if entry.created_at else None)


def republish(entry, request) -> SafeString:
    """Which update this one re-publishes, its own latest re-publish, and a button to re-publish.

    Without JavaScript the form posts to the re-publish view, which redirects to the
    entry's page. With htmx it posts to the row's own URL, and the answer (this row as it
    now stands) replaces the closest ``<tr>``. The button is disabled while the request is
    on its way; the server refuses a second re-publish anyway.
    """
    parts = []
    # A re-publish is an attempt at its original: the original's row re-publishes.
    attempt = entry.trigger == Trigger.REPUBLISH and entry.republish_of_id
    if attempt:
        url = row_url("live_admin:entry", entry.republish_of_id)
        text = fixed(get_language()).of
        parts.append(SafeString(text % {"original_url": escape(url), "seq": entry.original_seq}))
    republishes = getattr(entry, "republish_list", [])
    if republishes:
        parts.append(latest_republish(republishes[0]))
    if request is not None and not attempt and can_republish(request.user):
        parts.append(republish_form(entry, request))
    return format_cell("<td data-live-republish>{}</td>", SafeString("".join(parts)))


@cache
def fixed(language: str | None) -> SimpleNamespace:
    """The cells' fixed words in ``language``: gettext per cell cost 5 µs each."""
    return SimpleNamespace(
        of=gettext('Of <a href="%(original_url)s">#%(seq)s</a>'),
        republished_as=gettext("Re-published as"),
        latest=gettext("#%(seq)s: %(status)s"),
        republish=gettext("Re-publish"),
        update_of=gettext("update #%(seq)s of %(channel_id)s"),
        # get_trigger_display() flattens the choices anew on each call.
        triggers={value: str(label) for value, label in PublishLogEntry.Trigger.choices},
    )


def latest_republish(latest: PublishLogEntry) -> SafeString:
    words = fixed(get_language())
    url = row_url("live_admin:entry", latest.pk)
    hidden = words.republished_as
    label = words.latest % {
        "seq": latest.seq,
        "status": Status(latest.status).label,
    }
    if latest.status == Status.FAILED:
        tag = format_cell(
            '<a href="{}" class="w-status w-status--label w-text-critical-200" title="{}">'
            '{}<span class="w-sr-only">{}</span> {}</a>',
            url, latest.error, WARNING_ICON, hidden, label,
        )  # fmt: skip
    else:  # Wagtail's {% status %} tag, as a link
        primary = " w-status--primary" if latest.status == Status.SENT else ""
        tag = format_cell(
            '<a href="{}" class="w-status{}"><span class="w-sr-only">{}</span> {}</a>',
            url, primary, hidden, label,
        )  # fmt: skip
    return format_cell('<span data-live-republish-status="{}">{}</span>', latest.status, tag)


def republish_form(entry, request) -> SafeString:
    words = fixed(get_language())
    # One token for the page (each get_token() masks the secret anew: 32 random draws).
    if not hasattr(request, "live_csrf_token"):
        request.live_csrf_token = get_token(request)
    return format_cell(
        '<form method="post" action="{}" hx-post="{}" hx-target="closest tr" '
        'hx-swap="outerHTML" hx-disabled-elt="find button">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="button button-small button-secondary" '
        'data-live-republish-button>{}<span class="w-sr-only"> {}</span></button></form>',
        row_url("live_admin:republish", entry.pk),
        row_url("live_admin:republish_row", entry.pk),
        request.live_csrf_token,
        words.republish,
        words.update_of % {"seq": entry.seq, "channel_id": entry.channel_id},
    )


def log_row_response(request, entry_pk: int, columns, *, message="", status=200):
    """The log's row for one entry, alone (an htmx swap replaces the row it came from)."""
    table = PublishLogTable(columns, [log_entries().get(pk=entry_pk)])
    context = {
        "row": table.row_html(table.data[0], request),
        "columns": len(table.columns),
        "message": message,
        "entry_pk": entry_pk,
    }
    return TemplateResponse(request, "wagtail_live_admin/log/row.html", context, status=status)
