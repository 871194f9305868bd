"""Previews of posts in the admin, as readers see them, that cannot act in the admin.

A post's HTML comes from editors, and from source apps through receivers: it is
untrusted. It is shown only inside ``<iframe sandbox srcdoc>``, never in the
admin's own DOM (where htmx would also act on its ``hx-*`` attributes):

- ``sandbox="allow-scripts"`` without ``allow-same-origin``: the document has an
  opaque origin, so it reaches neither the admin's cookies and storage nor its DOM;
- a Content-Security-Policy in the document lets one script run, ours, by its hash:
  it tells the admin the document's height (``postMessage``), so the frame fits its
  post. No script of the post runs and no event handler fires;
- the same policy lets it load only the preview's stylesheets and images of the
  site's media storage: nothing else leaves the frame (no tracking pixel, no request
  to the admin, no embed).

The document is escaped here, once, into the ``srcdoc`` attribute's value.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..conf import get_setting

# The one script a preview runs: it reports the document's height to the admin
# (static/wagtail_live_admin/js/preview.js sizes the frame), now and on each change.
HEIGHT_SCRIPT = (
    "new ResizeObserver(function () {"
    ' parent.postMessage({"livePreviewHeight": document.documentElement.scrollHeight}, "*");'
    " }).observe(document.documentElement);"
)
HEIGHT_SCRIPT_HASH = base64.b64encode(hashlib.sha256(HEIGHT_SCRIPT.encode()).digest()).decode()


@dataclass
class PostPreview:
    post_id: str
    show: bool
    srcdoc: SafeString  # the escaped document, ready for srcdoc="..."


def _csp_source(url: str) -> str:
    # A source expression ends at a space, ";" or ",": keep those out of the URL.
    return url.replace(" ", "%20").replace(";", "%3B").replace(",", "%2C")


def _media_url(request) -> str | None:
    try:
        base = default_storage.url("")
    except (NotImplementedError, ValueError):
        return None
    return request.build_absolute_uri(base.split("?")[0]) if base else None


def stylesheet_urls(request) -> list[str]:
    return [request.build_absolute_uri(static(path)) for path in get_setting("PREVIEW_STYLESHEETS")]


def content_security_policy(request) -> str:
    """The policy of a preview document: its stylesheets and media images, nothing else."""
    styles = " ".join(_csp_source(url) for url in stylesheet_urls(request)) or "'none'"
    media = _media_url(request)
    images = _csp_source(media) if media else "'none'"
    return (
        f"default-src 'none'; script-src 'sha256-{HEIGHT_SCRIPT_HASH}'; style-src {styles}; "
        f"img-src {images}; base-uri 'none'; form-action 'none'"
    )


def post_previews(renders: dict, request) -> list[PostPreview]:
    """Previews of a frame's ``renders`` (post id: ``{"show", "content"}``), in their order."""
    context = {
        "csp": content_security_policy(request),
        "stylesheets": stylesheet_urls(request),
        "language_code": get_language(),
        "height_script": HEIGHT_SCRIPT,
    }
    previews = []
    for post_id, render in renders.items():
        document = render_to_string(
            "wagtail_live_admin/preview/document.html",
            {**context, "content": render.get("content", "")},
        )
        previews.append(
            PostPreview(post_id, show=render.get("show") is not False, srcdoc=escape(document))
        )
    return previews
