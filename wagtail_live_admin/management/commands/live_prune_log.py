"""``manage.py live_prune_log``: delete the publish log entries the retention settings let go.

Run it daily (cron, a scheduled task). The rule itself lives in
``wagtail_live_admin.delivery.retention``; this command reads the options and reports.
"""

import contextlib

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...conf import PREFIX, get_setting
from ...delivery.models import ChannelSequence
from ...delivery.retention import check_limit, prune_publish_log


class Command(BaseCommand):
    @property
    def help(self):
        # argparse needs a str, not a lazy proxy: translate when the parser is made.
        return _(
            "Delete publish log entries older than WAGTAIL_LIVE_LOG_RETENTION_DAYS, and sent "
            "entries beyond the newest WAGTAIL_LIVE_LOG_RETENTION_PER_CHANNEL of each "
            "channel. Failed and pending entries are kept until they are older than the age "
            "limit, so that they can be pushed again. Channel numbering is never reset: "
            "readers whose missed updates were deleted get a snapshot."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            help=_("Age limit in days, instead of the setting; 'none' for no age limit."),
        )
        parser.add_argument(
            "--per-channel",
            help=_("Entries to keep per channel, instead of the setting; 'none' for no cap."),
        )
        parser.add_argument("--channel", help=_("Prune only the channel with this ID."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print what would be deleted, and delete nothing."),
        )

    def handle(self, *args, days, per_channel, channel, dry_run, **options):
        days = self.limit(days, "--days", "LOG_RETENTION_DAYS")
        per_channel = self.limit(per_channel, "--per-channel", "LOG_RETENTION_PER_CHANNEL")
        if channel is not None and not ChannelSequence.objects.filter(channel_id=channel).exists():
            raise CommandError(_("No channel %r has ever published: check --channel.") % channel)
        if days is None and per_channel is None:
            self.stdout.write(_("No age limit and no cap per channel: nothing to prune."))
            return
        self.stdout.write(self.describe(days, per_channel))
        counts = prune_publish_log(
            days=days, per_channel=per_channel, channel_id=channel, dry_run=dry_run
        )
        self.report(counts, dry_run)

    @staticmethod
    def limit(value, option: str, setting: str) -> int | None:
        """Return the option's limit, or the setting's when the option is not given."""
        if value is None:
            try:
                return check_limit(get_setting(setting), PREFIX + setting)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "none":
                return None
            with contextlib.suppress(ValueError):
                value = int(text)
        try:
            return check_limit(value, option)
        except ValueError:
            raise CommandError(
                _("%(option)s must be a whole number from 0, or none for no limit; not %(value)r.")
                % {"option": option, "value": value}
            ) from None

    @staticmethod
    def describe(days: int | None, per_channel: int | None) -> str:
        if days is None:
            age = _("no age limit")
        else:
            age = ngettext(
                "entries older than %(days)d day", "entries older than %(days)d days", days
            ) % {"days": days}
        if per_channel is None:
            cap = _("no cap per channel")
        else:
            cap = _("sent entries beyond the newest %(count)d of each channel") % {
                "count": per_channel
            }
        return _("Pruning the publish log: %(age)s; %(cap)s.") % {"age": age, "cap": cap}

    def report(self, counts: dict[str, int], dry_run: bool) -> None:
        for channel, count in counts.items():
            if dry_run:
                line = ngettext(
                    "%(channel)s: would delete %(count)d entry",
                    "%(channel)s: would delete %(count)d entries",
                    count,
                )
            else:
                line = ngettext(
                    "%(channel)s: deleted %(count)d entry",
                    "%(channel)s: deleted %(count)d entries",
                    count,
                )
            self.stdout.write(line % {"channel": channel, "count": count})
        total = sum(counts.values())
        if dry_run:
            summary = ngettext(
                "Dry run: would delete %(total)d entry; nothing was deleted.",
                "Dry run: would delete %(total)d entries; nothing was deleted.",
                total,
            )
        else:
            summary = ngettext("Deleted %(total)d entry.", "Deleted %(total)d entries.", total)
        self.stdout.write(summary % {"total": total})
