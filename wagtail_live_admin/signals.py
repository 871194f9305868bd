from django.dispatch import Signal

# Sent after a live page's live posts changed, inside the transaction that saves
# them. Arguments: sender (the page class), channel_id, renders (bound live post
# blocks that are new or changed and shown), removals (ids of posts readers must
# no longer see: deleted or hidden), page (the page instance) and trigger ("publish"
# for a save of the page, "api" for the programmatic API). wagtail-live passed
# neither of the last two; receivers written for it ignore them through **kwargs.
live_page_update = Signal()
