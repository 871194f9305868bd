"""The JSON frame that readers' browsers receive (DESIGN.md, "Wire format")."""

import json
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder


def encode_frame(
    *, channel_id: str, renders: dict, removals: list, seq: int, published_at: datetime
) -> str:
    """Encode one update, once: every subscriber gets these same bytes."""
    frame = {
        # wagtail-live's two keys come first, so its clients still work.
        "renders": renders,
        "removals": list(removals),
        "seq": seq,
        "channel_id": channel_id,
        "published_at": published_at,
    }
    return json.dumps(frame, cls=DjangoJSONEncoder, separators=(",", ":"))
