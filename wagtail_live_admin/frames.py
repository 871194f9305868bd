"""The JSON frame that readers' browsers receive (DESIGN.md, "Wire format")."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone


def encode_frame(*, channel_id: str, renders: dict, removals: list, **extra) -> str:
    """Encode one update, once: every subscriber gets these same bytes."""
    frame = {
        # wagtail-live's two keys come first, so its clients still work.
        "renders": renders,
        "removals": list(removals),
        "channel_id": channel_id,
        "published_at": timezone.now(),
        **extra,
    }
    return json.dumps(frame, cls=DjangoJSONEncoder, separators=(",", ":"))
