"""Where a live page's merge base comes from, and where it is kept.

``merge_base`` is what a page object's posts were made from: the posts loaded from
the database, the posts an editor opened (the edit form posts them back), or those a
revision was made from (kept in the revision, under ``REVISION_BASE_KEY``). A save
applies the difference to the posts live now (``live.merging``). None: unknown, and
the posts are saved as they stand.
"""

from __future__ import annotations

from .merging import merge_posts
from .versions import REVISION_BASE_KEY, PostsBase


class MergeBaseMixin:
    """The merge base of ``LivePageMixin``: loaded, kept in revisions, rebased on open."""

    merge_base: PostsBase | None = None

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        page = super().from_db(db, field_names, values, **kwargs)
        posts = page.__dict__.get("live_posts")  # absent when deferred
        if posts is not None:
            page.merge_base = PostsBase.of_posts(list(posts.raw_data))
        return page

    def serializable_data(self):
        data = super().serializable_data()
        if self.merge_base is not None:
            data[REVISION_BASE_KEY] = self.merge_base.versions
        return data

    def with_content_json(self, content):
        page = super().with_content_json(content)
        versions = content.get(REVISION_BASE_KEY)
        page.merge_base = PostsBase.decode_versions(versions)
        return page

    def get_latest_revision_as_object(self):
        """Return the draft editors open, with what went live since it was made.

        The draft keeps its own changes (``live.merging``), and its merge base
        becomes the posts live now: an editor who opens it starts from those.
        """
        page = super().get_latest_revision_as_object()
        if page is self or self.pk is None:
            return page
        row = type(self)._default_manager.filter(pk=self.pk).values_list("live_posts").first()
        if row is None:
            return page
        live = row[0].get_prep_value()
        if page.merge_base is not None:
            draft = page.live_posts.get_prep_value()
            page.live_posts = merge_posts(page.merge_base, live, draft).posts
        page.merge_base = PostsBase.of_posts(live)
        return page
