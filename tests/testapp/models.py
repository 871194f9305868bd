from wagtail.models import Page

from wagtail_live_admin.admin.panels import LiveWatchersPanel
from wagtail_live_admin.models import LivePageMixin


class LiveBlogPage(LivePageMixin, Page):
    content_panels = [*Page.content_panels, *LivePageMixin.panels, LiveWatchersPanel()]
    template = "testapp/live_blog_page.html"
