"""Live pages and their posts: the page mixin, the post block, and what a change of posts sends."""
