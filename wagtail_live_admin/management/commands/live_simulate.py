"""``manage.py live_simulate``: a stream of changes to a live page, for demos and load tests.

It uses the programmatic API, as a receiver of a source app would: mostly new
posts, every few changes an edit of one of its earlier posts or a deletion.
"""

import secrets
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ...live.blocks import (
    add_block_to_live_post,
    clear_live_post_content,
    construct_live_post_block,
    construct_text_block,
)
from ...live.pages import live_page_models
from ..layer import require_a_shared_layer

# Every EDIT_EVERY-th change edits an earlier post of the run, every DELETE_EVERY-th
# deletes one; the rest add posts. A fixed cadence makes a run repeatable.
EDIT_EVERY = 4
DELETE_EVERY = 7


class Command(BaseCommand):
    @property
    def help(self):
        # argparse needs a str, not a lazy proxy: translate when the parser is made.
        return _(
            "Make changes to a live page, one every few seconds: mostly new posts, some edits "
            "and deletions. Needs a channel layer shared between processes, such as "
            "channels-redis."
        )

    def add_arguments(self, parser):
        parser.add_argument("--page", required=True, help=_("Id or slug of the live page."))
        parser.add_argument("--count", type=int, default=10, help=_("Number of changes to make."))
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help=_("Seconds to wait between two changes."),
        )

    def handle(self, *args, page, count, interval, **options):
        require_a_shared_layer()
        if count < 1 or interval < 0:
            raise CommandError(_("--count must be at least 1 and --interval at least 0."))
        live_page = self.find_page(page)
        run = secrets.token_hex(3)  # keeps message ids of separate runs apart
        posts = []  # message ids of this run's posts that still stand
        for number in range(1, count + 1):
            # Fresh each time: an editor may have published in between.
            live_page = type(live_page).objects.get(pk=live_page.pk)
            stamp = timezone.localtime().strftime("%H:%M:%S")
            if posts and number % DELETE_EVERY == 0:
                message_id = posts.pop(0)
                live_page.delete_live_post(message_id)
                action = _("deleted")
            elif posts and number % EDIT_EVERY == 0:
                message_id = posts[-1]
                post = live_page.get_live_post_by_message_id(message_id)
                clear_live_post_content(post)
                text = _("Simulated update, edited by change %(number)s of %(count)s at %(time)s")
                self.add_text(post, text % {"number": number, "count": count, "time": stamp})
                live_page.update_live_post(post)
                action = _("edited")
            else:
                message_id = f"simulated-{run}-{number}"
                post = construct_live_post_block(message_id, timezone.now())
                text = _("Simulated update %(number)s of %(count)s at %(time)s")
                self.add_text(post, text % {"number": number, "count": count, "time": stamp})
                live_page.add_live_post(post)
                posts.append(message_id)
                action = _("added")
            self.stdout.write(f"{number}/{count} {action} {message_id}")
            if number < count:
                time.sleep(interval)

    @staticmethod
    def add_text(post, text: str) -> None:
        add_block_to_live_post("text", construct_text_block(format_html("<p>{}</p>", text)), post)

    def find_page(self, reference: str):
        """Return the live page with this id (all digits) or slug."""
        lookup = {"pk": int(reference)} if reference.isdigit() else {"slug": reference}
        pages = [
            page for model in live_page_models() for page in model._default_manager.filter(**lookup)
        ]
        if not pages:
            raise CommandError(
                _("No live page (a page model with LivePageMixin) has the id or slug %r.")
                % reference
            )
        if len(pages) > 1:
            raise CommandError(_("Several live pages have the slug %r: give the id.") % reference)
        if not pages[0].live:
            raise CommandError(
                _("The page %r is not published: only live pages send updates to readers.")
                % pages[0].title
            )
        return pages[0]
