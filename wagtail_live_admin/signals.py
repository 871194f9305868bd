from django.dispatch import Signal

# Sent after a live page's live posts changed, inside the transaction that saves
# them. Arguments: sender (the page class), channel_id, renders (bound live post
# blocks that are new or changed and shown), removals (ids of posts readers must
# no longer see: deleted or hidden), page (the page instance; wagtail-live did not
# pass it, so receivers written for wagtail-live ignore it through **kwargs).
live_page_update = Signal()
