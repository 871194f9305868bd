"""wagtail-live's ``blocks`` module: the live post block and its helpers (see ``live.blocks``)."""

from .live.blocks import (
    TIMESTAMP_KEYS,
    ContentBlock,
    LivePostBlock,
    add_block_to_live_post,
    clear_live_post_content,
    comparable_post_data,
    construct_embed_block,
    construct_image_block,
    construct_live_post_block,
    construct_text_block,
    render_live_post,
    render_posts,
)
from .live.versions import compare_live_posts_values

__all__ = [
    "TIMESTAMP_KEYS",
    "ContentBlock",
    "LivePostBlock",
    "add_block_to_live_post",
    "clear_live_post_content",
    "comparable_post_data",
    "compare_live_posts_values",
    "construct_embed_block",
    "construct_image_block",
    "construct_live_post_block",
    "construct_text_block",
    "render_live_post",
    "render_posts",
]
