"""``manage.py live_republish --failed``: re-push the failed updates, for ops without the admin.

It does what the admin's "Re-push failed updates" does (wagtail_live_admin.delivery.republish),
without a user and without the admin's rate limit. It exits non-zero when an update
it re-published could not be sent, so that a script or a cron job notices.
"""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...admin.log_actions import log_republished
from ...delivery.refusals import RepublishRefused
from ...delivery.republish import plan_failed, republish_failed
from ..layer import require_a_shared_layer


def parse_since(value: str) -> datetime:
    """A date (from its midnight) or a date and time, in the current time zone unless given."""
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            _("--since %(value)r is not a date: give YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS].")
            % {"value": value}
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    @property
    def help(self):
        # argparse needs a str, not a lazy proxy: translate when the parser is made.
        return _(
            "Re-publish the failed live updates that no re-push has fixed yet, oldest first in "
            "each channel, each as a new update. Needs a channel layer shared between "
            "processes, such as channels-redis."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed",
            action="store_true",
            required=True,
            help=_("Re-publish the failed updates (the one mode there is)."),
        )
        parser.add_argument("--channel", help=_("Only the updates of this channel ID."))
        parser.add_argument(
            "--since",
            type=parse_since,
            help=_("Only the updates published from this date (YYYY-MM-DD) or time on."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print what would be sent, and send nothing."),
        )

    def handle(self, *args, channel, since, dry_run, **options):
        if dry_run:
            self.dry_run(channel, since)
            return
        require_a_shared_layer()
        try:
            outcomes = republish_failed(channel, since, throttle=False)
        except RepublishRefused as exc:
            raise CommandError(str(exc)) from exc
        log_republished(None, [outcome.new for outcome in outcomes if outcome.new is not None])
        failed = 0
        for outcome in outcomes:
            old = outcome.original
            if outcome.refused:
                self.stdout.write(
                    _("Skipped %(channel)s #%(seq)s: %(reason)s")
                    % {"channel": old.channel_id, "seq": old.seq, "reason": outcome.refused}
                )
                continue
            new = outcome.new
            line = _("Re-published %(channel)s #%(seq)s as #%(new_seq)s: %(status)s") % {
                "channel": old.channel_id,
                "seq": old.seq,
                "new_seq": new.seq,
                "status": new.get_status_display(),
            }
            if new.error:
                failed += 1
                line += f" ({new.error})"
            self.stdout.write(line)
        if not outcomes:
            self.stdout.write(_("No failed update to re-publish."))
        if failed:
            raise CommandError(
                _(
                    "%(failed)s of the re-published updates could not be sent; they stay in the "
                    "publish log as failed."
                )
                % {"failed": failed}
            )

    def dry_run(self, channel_id, since) -> None:
        count = 0
        for channel in plan_failed(channel_id, since):
            for plan in channel.plans:
                count += 1
                self.stdout.write(
                    _(
                        "Would re-publish %(channel)s #%(seq)s (failed: %(error)s): "
                        "posts %(posts)s; removals %(removals)s"
                    )
                    % {
                        "channel": channel.channel_id,
                        "seq": plan.original.seq,
                        "error": plan.original.error or "-",
                        "posts": " ".join(plan.renders) or "-",
                        "removals": " ".join(map(str, plan.removals)) or "-",
                    }
                )
                for post_id, reason in plan.left_out.items():
                    self.stdout.write(
                        "  "
                        + _("leaves out %(post)s: %(reason)s") % {"post": post_id, "reason": reason}
                    )
            for entry, reason in channel.skipped:
                self.stdout.write(
                    _("Would skip %(channel)s #%(seq)s: %(reason)s")
                    % {"channel": entry.channel_id, "seq": entry.seq, "reason": reason}
                )
        self.stdout.write(
            ngettext(
                "%(count)s update would be re-published. Nothing was sent (--dry-run).",
                "%(count)s updates would be re-published. Nothing was sent (--dry-run).",
                count,
            )
            % {"count": count}
        )
