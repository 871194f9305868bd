"""The composer on a channel's page: post, edit, hide, show, pin and delete live posts.

Each view is an htmx partial with its own URL. Rows go to the list's inbox
(``#live-composer-inbox``), where composer.js puts each in its place by id and time.
Every action is one post operation (``live.operations``): atomic, sent to readers
through the delivery spine with the trigger "composer", and kept in the page's history
as a revision and an audit log line. Whoever may publish the page may use it.
"""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ...conf import get_setting
from ...delivery.snapshot import last_seq
from ...live import operations
from ...live.pages import get_live_page
from ..composer import ComposerForm, editable, initial_for
from ..permissions import can_compose
from ..post_rows import Removed, changed_since, older_slice, rows_by_id, rows_for
from .base import forbidden

ACTIONS = {
    "hide": (False, operations.set_shown, gettext_lazy("Hidden: readers' pages drop the post.")),
    "show": (True, operations.set_shown, gettext_lazy("Shown: readers' pages show it again.")),
    "pin": (True, operations.set_pinned, gettext_lazy("Pinned: readers' pages show it first.")),
    "unpin": (False, operations.set_pinned, gettext_lazy("Unpinned.")),
}


def composer_context(request, page) -> dict:
    """What the channel page needs to show the composer and the newest posts."""
    since = last_seq(page.channel_id)  # before the posts: see delivery.snapshot
    items, more = older_slice(page)
    return {
        "form": ComposerForm(),
        "rows": rows_for(request, page, items),
        "since": since,
        "older": items[-1] if more else None,
        # How often the list asks for news when the channel's socket is refused.
        "poll_interval": get_setting("DASHBOARD_POLL_INTERVAL"),
    }


class ComposerView(View):
    """Find the channel's live page; let in whoever may publish it."""

    template_name = "wagtail_live_admin/composer/rows.html"

    def dispatch(self, request, channel_id, post_id=None, **kwargs):
        self.channel_id = channel_id
        self.page = get_live_page(channel_id)
        if self.page is None:
            raise Http404(_("No live page has this channel."))
        if not can_compose(request.user, self.page):
            return forbidden(request)
        self.post_id = post_id
        return super().dispatch(request, **kwargs)

    def item(self) -> dict:
        for item in self.page.live_posts.raw_data:
            if item["id"] == self.post_id:
                return item
        raise Http404(_("The page has no such live post."))

    def operate(self, operation, *args, **kwargs):
        return operation(
            self.page,
            *args,
            post_id=self.post_id,
            user=self.request.user,
            trigger=operations.COMPOSER,
            revision=True,
            **kwargs,
        )

    def rows(self, rows, *, status="", state=None, **context):
        """Answer with ``rows`` (``PostRow`` or ``Removed``) for the list's inbox."""
        context.update(
            rows=rows,
            channel_id=self.channel_id,
            live_page=self.page,
            status=status,
            state=state or {},
        )
        return TemplateResponse(self.request, self.template_name, context)

    def gone(self):
        return self.rows([Removed(self.post_id)], status=_("The post was deleted meanwhile."))


class PostNowView(ComposerView):
    def post(self, request):
        form = ComposerForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(
                request, "wagtail_live_admin/composer/form.html", self.form_context(form)
            )
        outcome = operations.add_post(
            self.page,
            {"message_id": "", "created": None, "show": True, "content": form.content()},
            user=request.user,
            trigger=operations.COMPOSER,
            revision=True,
        )
        context = self.form_context(ComposerForm())
        context.update(rows=rows_for(request, self.page, [outcome.post]), status=_("Posted."))
        return TemplateResponse(request, "wagtail_live_admin/composer/form.html", context)

    def form_context(self, form):
        return {"form": form, "channel_id": self.channel_id, "live_page": self.page}


class PostsView(ComposerView):
    """A slice of older posts, after the one the list ends with."""

    def get(self, request):
        before_id = request.GET.get("before_id") or None
        items, more = older_slice(self.page, before_id, request.GET.get("before"))
        older = items[-1] if more else None
        return self.rows(rows_for(request, self.page, items), older=older, older_oob=True)


class ChangesView(ComposerView):
    """The rows that updates after ``?since=<seq>`` touched: the list follows the channel."""

    def get(self, request):
        try:
            since = max(0, int(request.GET.get("since", "")))
        except ValueError:
            since = last_seq(self.channel_id)
        seq, post_ids = changed_since(self.page, since)
        if post_ids is None:  # far behind: the newest posts again
            rows = rows_for(request, self.page, older_slice(self.page)[0])
        else:
            rows = rows_by_id(request, self.page, post_ids)
        return self.rows(rows, since=seq, follow=True)


class RowView(ComposerView):
    def get(self, request):
        return self.rows(rows_by_id(request, self.page, [self.post_id]))


class EditView(ComposerView):
    def not_editable(self, item):
        # Its other blocks would be lost: the page editor edits such a post.
        status = _("This post has more than one text, image or embed: edit it in the page editor.")
        return self.rows(rows_for(self.request, self.page, [item]), status=status)

    def get(self, request):
        item = self.item()
        if not editable(item):
            return self.not_editable(item)
        form = ComposerForm(initial=initial_for(item), prefix=f"edit-{self.post_id}")
        return self.rows(rows_for(request, self.page, [item]), state={"form": form})

    def post(self, request):
        item = self.item()
        if not editable(item):
            return self.not_editable(item)
        form = ComposerForm(request.POST, prefix=f"edit-{self.post_id}")
        if not form.is_valid():
            return self.rows(rows_for(request, self.page, [item]), state={"form": form})
        try:
            outcome = self.operate(
                operations.edit_post,
                content=form.content(),
                base_version=form.cleaned_data["version"] or None,
            )
        except operations.PostNotFound:
            return self.gone()
        status = _("Saved.")
        if outcome.overridden:
            status = _(
                "Saved. Someone else had changed this post since you opened it: your version "
                "is live, theirs is kept in the page's history."
            )
        return self.rows(rows_for(request, self.page, [outcome.post]), status=status)


class ActionView(ComposerView):
    """Hide, show, pin or unpin a post."""

    def post(self, request, action):
        if action not in ACTIONS:
            raise Http404
        value, operation, status = ACTIONS[action]
        try:
            outcome = self.operate(operation, value)
        except operations.PostNotFound:
            return self.gone()
        return self.rows(rows_for(request, self.page, [outcome.post]), status=status)


class DeleteView(ComposerView):
    def get(self, request):
        return self.rows(rows_for(request, self.page, [self.item()]), state={"confirm": True})

    def post(self, request):
        try:
            self.operate(operations.delete_post)
        except operations.PostNotFound:
            return self.gone()
        status = _("Deleted: readers' pages drop the post.")
        return self.rows([Removed(self.post_id)], status=status)
