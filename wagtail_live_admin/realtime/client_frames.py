"""A reader's own frames: read only when small and well-formed JSON (the consumer answers pings)."""

import json


def parse_client_frame(text_data: str | None, limit: int):
    """Return the client's message as Python data, or None for anything not worth reading."""
    # Characters first (cheap, and never fewer than bytes), then the UTF-8 bytes; a lone
    # surrogate (no UTF-8 at all) counts as bytes too rather than failing to encode.
    if text_data is None or len(text_data) > limit:
        return None
    if len(text_data.encode(errors="surrogatepass")) > limit:
        return None
    try:
        return json.loads(text_data)
    except (ValueError, RecursionError):  # RecursionError: very deeply nested JSON
        return None
