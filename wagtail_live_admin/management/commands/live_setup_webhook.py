"""``manage.py live_setup_webhook telegram|slack``: point a source app's webhook at this site.

Telegram: calls the Bot API's ``setWebhook`` (``--check`` only asks ``getWebhookInfo``).
Slack is set up in Slack's own UI: the command prints what to enter there.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from ...exceptions import WebhookSetupError
from ...receivers.telegram import TelegramWebhookReceiver, get_telegram_webhook_url


class Command(BaseCommand):
    help = "Point Telegram's webhook at this site, or print how to point Slack's."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=["telegram", "slack"])
        parser.add_argument(
            "--check", action="store_true", help="Telegram: only say whether it is set."
        )
        parser.add_argument(
            "--base-url",
            default="https://<your site>",
            help="Slack: the site's public address, for the Request URL it prints.",
        )

    def handle(self, *args, source, check, base_url, **options):
        if source == "slack":
            return self.slack(base_url.rstrip("/"))
        try:
            url = get_telegram_webhook_url()
            if check:
                if not TelegramWebhookReceiver.webhook_connection_set():
                    raise CommandError(f"Telegram does not send the bot's updates to {url}.")
            else:
                TelegramWebhookReceiver.set_webhook()
        except (ImproperlyConfigured, WebhookSetupError, OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Telegram sends the bot's updates to {url}.")

    def slack(self, base_url):
        path = reverse("wagtail_live_admin_receivers:slack_events_handler")
        self.stdout.write(
            "Slack is set up in the app's settings at https://api.slack.com/apps:\n"
            f"  Event Subscriptions > Request URL: {base_url}{path}\n"
            "  Subscribe to bot events: message.channels (message.groups for private channels)\n"
            "  OAuth scopes: channels:history (groups:history), files:read\n"
            "  and set WAGTAIL_LIVE_SLACK_SIGNING_SECRET and WAGTAIL_LIVE_SLACK_BOT_TOKEN."
        )
