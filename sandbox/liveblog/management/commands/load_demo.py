"""``manage.py load_demo``: the sandbox's demo content, made idempotently.

It makes a home page the site root, three published live blogs below it and the
superuser ``admin`` / ``changeme``:

- ``/live-blog/``, the City Marathon: a dozen posts, a few with images drawn here
  with Pillow (nothing is downloaded);
- ``/election-night/``: a busy night, over a hundred posts;
- ``/council-budget/``: for logged-in users only (a page view restriction).

Each blog is published empty, then its posts are added one by one as an editor does
in the Live admin's composer (``live.operations``): every post goes through the
delivery spine, so the publish log and the Live dashboard have a history to show.
Run again, it finds all of that in place and changes nothing.
"""

from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageViewRestriction, Site

from liveblog.demo_content import COUNCIL, MARATHON, election_night
from liveblog.models import HomePage, LiveBlogPage
from wagtail_live_admin.blocks import (
    add_block_to_live_post,
    construct_image_block,
    construct_live_post_block,
    construct_text_block,
)
from wagtail_live_admin.live import operations
from wagtail_live_admin.models import PublishLogEntry

# SANDBOX ONLY: a published login, for trying the admin on your own machine.
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "changeme"

CHANNEL_ID = "city-marathon"
COLLECTION_NAME = "Live demo"


@dataclass(frozen=True)
class Blog:
    title: str
    slug: str
    channel_id: str
    posts: list  # oldest first: (text, image key or None)
    spacing: timedelta  # between two posts; the newest is a few minutes old
    restricted: bool = False  # to logged-in users


BLOGS = [
    Blog("Live: City Marathon", "live-blog", CHANNEL_ID, MARATHON, timedelta(minutes=20)),
    Blog(
        "Live: Election night",
        "election-night",
        "election-night",
        election_night(),
        timedelta(minutes=2),
    ),
    Blog(
        "Live: Council budget meeting (staff only)",
        "council-budget",
        "council-budget",
        COUNCIL,
        timedelta(minutes=45),
        restricted=True,
    ),
]

# (title, background colour, shape) of the images the loader draws.
IMAGES = {
    "start": ("Start line", "#1565c0", "ellipse"),
    "bridge": ("Halfway: the bridge", "#2e7d32", "polygon"),
    "finish": ("Finish line", "#c62828", "rectangle"),
}


def draw_image(title: str, colour: str, shape: str) -> ImageFile:
    """Return a PNG of a white shape and a label on ``colour``, as a file to save."""
    width, height = 1200, 675
    image = PILImage.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    box = (width // 2 - 180, 110, width // 2 + 180, 470)
    if shape == "polygon":
        draw.polygon([(box[0], box[3]), (width // 2, box[1]), (box[2], box[3])], fill="white")
    else:
        getattr(draw, shape)(box, fill="white")
    draw.text((width // 2, 560), title, fill="white", anchor="mm", font=ImageFont.load_default(64))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return ImageFile(buffer, name=f"{slugify(title)}.png")


class Command(BaseCommand):
    @property
    def help(self):
        # argparse needs a str, not a lazy proxy: translate when the parser is made.
        return _("Load the sandbox's demo content: live blogs with posts, and an admin login.")

    @transaction.atomic
    def handle(self, *args, **options):
        home = self.ensure_home()
        editor = self.ensure_admin()
        for blog in BLOGS:
            self.ensure_live_blog(home, blog, editor)

    def say(self, message: str) -> None:
        self.stdout.write(f"  {message}")

    def ensure_home(self) -> HomePage:
        """Make a ``HomePage`` the default site's root, replacing Wagtail's welcome page."""
        site = Site.objects.filter(is_default_site=True).first()
        if site is not None and isinstance(site.root_page.specific, HomePage):
            self.say(f"Home page {site.root_page.title!r} is the site root: unchanged.")
            return site.root_page.specific
        home = HomePage.objects.first()
        if home is None:
            home = HomePage(title="City News", slug="city-news")
            Page.get_first_root_node().add_child(instance=home)
            home.save_revision().publish()
            self.say(f"Created the home page {home.title!r}.")
        old_root = site.root_page if site is not None else None
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        site.root_page = home
        site.site_name = "City News"
        site.save()
        self.say(f"Made {home.title!r} the root of site {site.hostname}:{site.port}.")
        # Only Wagtail's own placeholder goes: a page with content or children stays.
        if old_root is not None and old_root.specific_class is Page and old_root.is_leaf():
            old_root.delete()
            self.say(f"Deleted Wagtail's default page {old_root.title!r}.")
        return home

    def ensure_live_blog(self, home: HomePage, blog: Blog, editor) -> None:
        page = LiveBlogPage.objects.filter(channel_id=blog.channel_id).first()
        if page is not None:
            if not page.live:
                page.save_revision(user=editor).publish(user=editor)
                self.say(f"Published the live blog {page.title!r}.")
            else:
                self.say(f"Live blog {page.title!r} is published: unchanged.")
            return
        page = LiveBlogPage(title=blog.title, slug=blog.slug, channel_id=blog.channel_id)
        home.add_child(instance=page)
        page.save_revision(user=editor).publish(user=editor)
        if blog.restricted:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.LOGIN
            )
        images = self.ensure_images() if any(key for _, key in blog.posts) else {}
        # As an editor posts them in the composer, oldest first, each through the
        # delivery spine: one publish log entry per post.
        for post in self.demo_posts(blog, images):
            operations.add_post(page, post, user=editor, trigger=operations.COMPOSER)
        entries = PublishLogEntry.objects.filter(channel_id=blog.channel_id).count()
        restricted = " for logged-in users only" if blog.restricted else ""
        self.say(
            f"Published the live blog {page.title!r}{restricted} at {page.url} (channel "
            f"{blog.channel_id!r}), then its {len(blog.posts)} posts one by one: "
            f"{entries} updates in the publish log."
        )

    def ensure_images(self) -> dict:
        """Return the demo images by key, drawing those that are not saved yet."""
        Image = get_image_model()
        collection = Collection.objects.filter(name=COLLECTION_NAME).first()
        if collection is None:
            collection = Collection.get_first_root_node().add_child(name=COLLECTION_NAME)
        images, drawn = {}, 0
        for key, (title, colour, shape) in IMAGES.items():
            image = Image.objects.filter(collection=collection, title=title).first()
            if image is None:
                file = draw_image(title, colour, shape)
                image = Image.objects.create(title=title, collection=collection, file=file)
                drawn += 1
            images[key] = image
        self.say(f"Drew {drawn} demo image(s) in the collection {COLLECTION_NAME!r}.")
        return images

    def demo_posts(self, blog: Blog, images: dict) -> list:
        """Return the blog's posts oldest first, spread back from a few minutes ago."""
        newest = timezone.now() - timedelta(minutes=5)
        posts = []
        for number, (text, image_key) in enumerate(blog.posts, start=1):
            created = newest - (len(blog.posts) - number) * blog.spacing
            post = construct_live_post_block(f"demo-{number:02}", created)
            add_block_to_live_post("text", construct_text_block(f"<p>{text}</p>"), post)
            if image_key:
                add_block_to_live_post("image", construct_image_block(images[image_key]), post)
            posts.append(post)
        return posts

    def ensure_admin(self):
        """Create the superuser ``admin``, or reset its password and rights; return it."""
        user, created = get_user_model().objects.get_or_create(username=ADMIN_USERNAME)
        ready = user.is_active and user.is_staff and user.is_superuser
        if not created and ready and user.check_password(ADMIN_PASSWORD):
            self.say(f"Superuser {ADMIN_USERNAME!r} exists: unchanged.")
            return user
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(ADMIN_PASSWORD)
        user.save()
        action = "Created" if created else "Reset"
        self.say(f"{action} the superuser {ADMIN_USERNAME!r} (password {ADMIN_PASSWORD!r}).")
        return user
