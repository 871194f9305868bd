"""The page editor's form of a live page: it remembers which posts the editor opened.

A hidden field holds the versions of the posts live when the editor opened the page
(the page's ``merge_base``). It comes back with every autosave, Save draft and
Publish, so that a publish applies only what this editor changed (``live.merging``),
however long the editor kept the page open and whatever others published meanwhile.
"""

from __future__ import annotations

import logging

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from .versions import PostsBase

logger = logging.getLogger(__name__)


class LivePageForm(WagtailAdminPageForm):
    live_posts_base = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = getattr(self.instance, "merge_base", None)
        self.fields["live_posts_base"].initial = base.encode() if base is not None else ""

    def save(self, commit=True):
        posted = self.cleaned_data.get("live_posts_base")
        if posted:
            base = PostsBase.decode(posted)
            if base is None:
                # Not what the form wrote: assume the editor saw none of the posts, so
                # that their publish deletes nothing and keeps every post others added.
                logger.warning("Unreadable live_posts_base in the edit form of %r.", self.instance)
                base = PostsBase({})
            self.instance.merge_base = base
        return super().save(commit=commit)
