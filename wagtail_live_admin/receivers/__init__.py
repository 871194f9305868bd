"""Receivers: posts from Slack, Telegram and the JSON API.

A site includes ``wagtail_live_admin.receivers.urls`` to take them.
"""
