"""Post previews in the admin: whole documents, escaped into a sandboxed iframe's srcdoc."""

import re

from django.test import RequestFactory, override_settings

from wagtail_live_admin.admin.preview import content_security_policy, post_previews

HOSTILE = '<p>Hi</p><script>alert(1)</script><img src="/x" onerror="alert(2)">'


def request():
    return RequestFactory().get("/admin/live/log/1/")


def test_the_policy_allows_the_stylesheets_and_media_images_only():
    policy = content_security_policy(request())
    assert policy.startswith("default-src 'none'; ")
    assert "style-src http://testserver/static/wagtail_live_admin/css/live.css;" in policy
    assert "img-src http://testserver/media/;" in policy
    assert "base-uri 'none'" in policy and "form-action 'none'" in policy
    # One script runs, by its hash: the one that reports the height. No post's script.
    assert re.search(r"; script-src 'sha256-[A-Za-z0-9+/=]+'; ", policy)
    assert "unsafe" not in policy


@override_settings(
    WAGTAIL_LIVE_PREVIEW_STYLESHEETS=["site/live; posts.css", "wagtail_live_admin/css/live.css"]
)
def test_the_sites_stylesheets_are_loaded_and_allowed():
    [preview] = post_previews({"p1": {"show": True, "content": "<p>Hi</p>"}}, request())
    assert "http://testserver/static/site/live%3B%20posts.css" in content_security_policy(request())
    assert (
        "&lt;link rel=&quot;stylesheet&quot; href=&quot;http://testserver/static/site/live%3B"
        in preview.srcdoc
    )


@override_settings(WAGTAIL_LIVE_PREVIEW_STYLESHEETS=[])
def test_no_stylesheets_means_no_styles_at_all():
    assert "style-src 'none'" in content_security_policy(request())


def test_the_document_is_escaped_once_into_srcdoc():
    [preview] = post_previews({"p1": {"show": True, "content": HOSTILE}}, request())
    assert "<" not in preview.srcdoc and '"' not in preview.srcdoc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.srcdoc
    # The policy comes before the post, so it binds the post's markup.
    assert preview.srcdoc.index("Content-Security-Policy") < preview.srcdoc.index("alert(1)")


def test_a_hidden_render_is_not_previewed_as_shown():
    [preview] = post_previews({"p1": {"show": False, "content": "<p>Gone</p>"}}, request())
    assert preview.show is False
