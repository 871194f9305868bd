"""Pinned posts: the posts a live page keeps above the others.

A pin is stored here, beside the page, not in the post: a child of ``LivePostBlock``
or a field of ``LivePageMixin`` would change every site's page model and need a
migration in each site. A pin is not content, so revisions do not carry it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import page_model_label, user_model_label


class PinnedPost(models.Model):
    page = models.ForeignKey(
        page_model_label(), verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    post_id = models.CharField(_("post ID"), max_length=64)
    pinned_at = models.DateTimeField(_("pinned at"), default=timezone.now)
    pinned_by = models.ForeignKey(
        user_model_label(),
        verbose_name=_("pinned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pinned live post")
        verbose_name_plural = _("pinned live posts")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["page", "post_id"], name="wla_unique_pinned_post"),
        ]

    def __str__(self):
        return f"{self.post_id} on page {self.page_id}"


def pinned_post_ids(page) -> frozenset[str]:
    """Return the ids of the posts pinned on ``page`` (none for a page not saved yet)."""
    if getattr(page, "pk", None) is None:
        return frozenset()
    return frozenset(PinnedPost.objects.filter(page_id=page.pk).values_list("post_id", flat=True))
