"""The sandbox's pages: a home page and a live blog made with ``LivePageMixin``."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from wagtail_live_admin.admin.panels import LiveWatchersPanel
from wagtail_live_admin.models import LivePageMixin


class HomePage(Page):
    """The site root: lists the live blogs below it."""

    subpage_types = ["liveblog.LiveBlogPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        blogs = LiveBlogPage.objects.child_of(self).live()
        context["live_blogs"] = blogs.order_by("-first_published_at")
        return context


class LiveBlogPage(LivePageMixin, Page):
    """A live blog: its posts reach open browsers the moment they are published."""

    content_panels = [*Page.content_panels, *LivePageMixin.panels, LiveWatchersPanel()]
    parent_page_types = ["liveblog.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("live blog page")
