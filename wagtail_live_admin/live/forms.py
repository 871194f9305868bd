"""The page editor's form of a live page: it remembers which posts the editor opened.

A hidden field holds the versions of the posts live when the editor opened the page
(the page's ``merge_base``). It comes back with every autosave, Save draft and
Publish, so that a publish applies only what this editor changed (``live.merging``),
however long the editor kept the page open and whatever others published meanwhile.
"""

from __future__ import annotations

import logging

from django import forms
from django.template.loader import render_to_string
from wagtail.admin.forms import WagtailAdminPageForm

from .versions import PostsBase

logger = logging.getLogger(__name__)


class MergeBaseInput(forms.HiddenInput):
    """The hidden base, and a note for Wagtail's "saved a new version" dialog."""

    def render(self, name, value, attrs=None, renderer=None):
        # The site's template engine: the form renderer does not search TEMPLATES' DIRS.
        note = render_to_string("wagtail_live_admin/widgets/merge_note.html")
        return super().render(name, value, attrs, renderer) + note


class LivePageForm(WagtailAdminPageForm):
    live_posts_base = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["live_posts_base"]
        base = getattr(self.instance, "merge_base", None)
        field.initial = base.encode() if base is not None else ""
        if self.instance.pk is not None:  # the edit view: it has the dialog
            field.widget = MergeBaseInput()

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
