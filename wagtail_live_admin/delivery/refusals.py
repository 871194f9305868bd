"""Why a re-push does not happen, in words for the admin and the command line."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..conf import PREFIX, get_setting


class RepublishRefused(Exception):
    """A re-push that will not happen; the message says why."""

    status_code = 409


class Throttled(RepublishRefused):
    status_code = 429

    def __init__(self, channel_id: str, wait: int):
        self.channel_id, self.wait = channel_id, wait
        rate = get_setting("REPUBLISH_RATE")
        names = {"channel_id": channel_id, "rate": rate, "wait": wait}
        limit = ngettext(
            "You may re-push channel “%(channel_id)s” %(rate)s time a minute, and you have.",
            "You may re-push channel “%(channel_id)s” %(rate)s times a minute, and you have.",
            rate,
        )
        retry = ngettext("Try again in %(wait)s second.", "Try again in %(wait)s seconds.", wait)
        super().__init__(f"{limit % names} {retry % names}")


class DeliveryOff(RepublishRefused):
    def __init__(self):
        super().__init__(
            _(
                "Live updates are switched off (%(setting)s is empty): nothing is sent to "
                "readers, so nothing can be re-pushed."
            )
            % {"setting": f"{PREFIX}PUBLISHER"}
        )


def not_live_message(channel_id: str) -> str:
    return _("No live page has the channel “%(channel_id)s” now, so no reader can receive it.") % {
        "channel_id": channel_id
    }


def nothing_left_message(seq: int) -> str:
    return _(
        "Nothing of update #%(seq)s is left to send: the page has changed every post it "
        "carried since. Re-sync the channel to send the page as it is."
    ) % {"seq": seq}


def other_page_message(entry) -> str:
    return _(
        "Update #%(seq)s was made by a page that no longer has the channel “%(channel_id)s”: "
        "its readers are another page's now."
    ) % {"seq": entry.seq, "channel_id": entry.channel_id}
