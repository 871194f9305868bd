"""What a re-publish of an update would send now, for the entry and confirmation pages."""

from django.utils.html import strip_tags
from django.utils.text import Truncator

from ..delivery.models import PublishLogEntry
from ..delivery.refusals import RepublishRefused, nothing_left_message
from ..delivery.republish import plan_republish
from ..live.history import post_excerpt


def republish_plan_context(entry: PublishLogEntry) -> dict:
    """For templates: ``plan`` (what a re-publish sends now), ``plan_refusal`` (why not)."""
    try:
        plan = plan_republish(entry)
    except RepublishRefused as exc:
        return {"plan": None, "plan_refusal": str(exc)}
    return {
        "plan": plan,
        "plan_refusal": nothing_left_message(plan.original.seq) if plan.empty else "",
        **plan_posts(plan),
    }


def plan_posts(plan) -> dict:
    """The plan's posts by the start of their text (from the update, else from the page):
    ``plan_renders`` and ``plan_removals`` as (id, text), ``plan_left_out`` with the reason.
    """
    on_page = {item["id"]: item for item in plan.page.live_posts.raw_data}

    def text(post_id) -> str:
        if str(post_id) in on_page:
            return post_excerpt(on_page[str(post_id)])
        # Gone from the page: the text of the update's render, without its time line.
        html = (plan.original.renders.get(post_id) or {}).get("content") or ""
        html = html.partition('class="live-post-content">')[2] or html
        return Truncator(" ".join(strip_tags(html).split())).chars(80)

    return {
        "plan_renders": [(post_id, text(post_id)) for post_id in plan.renders],
        "plan_removals": [(post_id, text(post_id)) for post_id in plan.removals],
        "plan_left_out": [(post_id, text(post_id), why) for post_id, why in plan.left_out.items()],
    }
