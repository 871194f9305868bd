from wagtail.models import Page

from wagtail_live_admin.models import LivePageMixin


class LiveBlogPage(LivePageMixin, Page):
    content_panels = Page.content_panels + LivePageMixin.panels
    template = "testapp/live_blog_page.html"
