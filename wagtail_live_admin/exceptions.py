"""Errors of receivers (wagtail-live's ``exceptions`` module, with its names)."""


class RequestVerificationError(Exception):
    """An incoming request could not be verified as coming from the source it claims."""


class WebhookSetupError(Exception):
    """Setting up the webhook connection with the source failed."""
