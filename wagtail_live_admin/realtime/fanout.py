"""One channel layer subscription per process and live channel, fanned out to local readers.

Channels' own way gives each socket its own layer channel in the group: a group send is
then queued once per reader, and each reader's consumer wakes up for it, closes stale
database connections in a worker thread (``aclose_old_connections``), and writes it.
That costs 0.2 to 0.6 ms of server CPU per reader and update (docs/performance.md).

Here the first reader of a channel in a process joins the channel's group with one layer
channel for the whole process; each message that arrives on it goes to every local
reader's handler for its type (``live.update`` -> ``live_update``), which writes the
frame the publisher encoded once. The layer carries one message per process and update,
whatever the number of readers; the last local reader to leave takes the process out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref

from channels.consumer import get_handler_name

from .groups import RECHECK_EVENT

logger = logging.getLogger(__name__)

# Readers written to between two turns of the event loop: the layer's own reader (and
# the server's socket writes) keep up while a large channel fans out.
CHUNK = 100

# The close code of readers whose layer subscription failed (documented with the others in
# docs/reference/websocket.md). Servers accept only 1000 and 3000-4999 from an application,
# so not RFC 6455's 1012 (service restart).
CLOSE_LAYER_LOST = 4503

_local_groups: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = (
    weakref.WeakKeyDictionary()
)

# The layers this process cannot reach now. A Redis outage fails every reader's connect
# and every group's subscription: it is logged once when it starts and once when it ends.
_unreachable: weakref.WeakSet = weakref.WeakSet()


class LayerUnavailable(Exception):
    """The channel layer did not answer (logged once per outage): turn the reader away."""


def _layer_failed(layer, exc: Exception) -> None:
    if layer not in _unreachable:
        _unreachable.add(layer)
        logger.warning(
            "The channel layer is unreachable (%s: %s): live readers in this process are "
            "closed with %s and new ones turned away; they reconnect and catch up once it "
            "answers.",
            type(exc).__name__,
            exc,
            CLOSE_LAYER_LOST,
        )


def _layer_answered(layer) -> None:
    if layer in _unreachable:
        _unreachable.discard(layer)
        logger.warning("The channel layer answers again: live readers are served.")


class LocalGroup:
    """This process's readers of one group, and the layer channel that brings its messages."""

    def __init__(self, layer, group: str, registry: dict, key):
        self.layer = layer
        self.group = group
        # Where join() finds this group: left when the layer is lost (see _receive_forever).
        self.registry = registry
        self.key = key
        self.consumers: dict = {}  # insertion-ordered set: the earliest readers first
        self.channel_name: str | None = None
        self.started: asyncio.Task | None = None
        self._messages: asyncio.Queue = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []
        self._sends: set[asyncio.Task] = set()
        self._loop = asyncio.get_running_loop()
        # How many rechecks (admission again) reached this process on the group: what
        # was known of the page's readers before one may be wrong now (``public_pages``).
        self.rechecks = 0
        # How many messages of any kind (updates, rechecks) reached it: what was read of
        # the channel before one may be out of date now (the catch-up answers kept in memory).
        self.received = 0

    async def start(self) -> None:
        self.channel_name = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel_name)
        self._tasks = [
            asyncio.create_task(self._receive_forever(), name=f"{self.group} receive"),
            asyncio.create_task(self._deliver_forever(), name=f"{self.group} deliver"),
        ]
        if getattr(self.layer, "group_expiry", None):
            self._tasks.append(
                asyncio.create_task(self._keep_membership(), name=f"{self.group} membership")
            )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        try:
            await self.layer.group_discard(self.group, self.channel_name)
        except Exception as exc:
            # Left in the group, the channel only collects messages until they expire.
            _layer_failed(self.layer, exc)

    async def _receive_forever(self) -> None:
        # Only receives: a burst is taken off the layer (out of reach of its capacity)
        # while the frames before it are still being written.
        try:
            while True:
                message = await self.layer.receive(self.channel_name)
                self.received += 1
                if message.get("type") == RECHECK_EVENT:
                    self.rechecks += 1
                self._messages.put_nowait(message)
        except Exception as exc:
            await self._lost(exc)

    async def _lost(self, exc: Exception) -> None:
        """The layer failed under this group (Redis went away): never leave readers deaf.

        Each local reader is closed with 4503: its page reconnects once
        the layer answers again, through a new subscription, and catches up over HTTP on
        what it missed. Kept open, it would silently receive nothing more.
        """
        if self.registry.get(self.key) is self:
            del self.registry[self.key]
        readers = tuple(self.consumers)
        _layer_failed(self.layer, exc)
        logger.info("Closing the %s local readers of group %r.", len(readers), self.group)
        for consumer in readers:
            with contextlib.suppress(Exception):
                await consumer.close(code=CLOSE_LAYER_LOST)
        # This subscription is over: its readers' disconnects no longer find it.
        for task in self._tasks:
            if task is not asyncio.current_task():
                task.cancel()

    async def _keep_membership(self) -> None:
        # channels-redis forgets a group member group_expiry seconds after it joined
        # (24 h by default); this channel lives as long as the process has readers.
        while True:
            await asyncio.sleep(self.layer.group_expiry / 3)
            try:
                await self.layer.group_add(self.group, self.channel_name)
            except Exception as exc:
                _layer_failed(self.layer, exc)

    async def _deliver_forever(self) -> None:
        while True:
            message = await self._messages.get()
            try:
                await self._deliver(message)
            except Exception:
                # One bad message must not stop the channel's updates.
                logger.exception("Could not deliver a message of group %r", self.group)

    async def _deliver(self, message: dict) -> None:
        handler_name = get_handler_name(message)
        for index, consumer in enumerate(tuple(self.consumers)):
            if index and not index % CHUNK:
                await asyncio.sleep(0)
                if consumer not in self.consumers:
                    continue
            handler = getattr(consumer, handler_name, None)
            if handler is None:
                logger.warning("No handler for message type %r", message["type"])
                break
            self._run(handler(message))

    def _run(self, coroutine) -> None:
        # Eager: a write that need not wait (nearly all) completes here, with no task
        # scheduled; one that waits (a slow reader's full buffer) holds up no other reader.
        task = asyncio.Task(coroutine, loop=self._loop, eager_start=True)
        if task.done():
            self._sent(task)
        else:
            self._sends.add(task)
            task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task) -> None:
        self._sends.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            # A reader that is going away; its disconnect takes it out of the group.
            logger.info("Could not forward a message of group %r: %r", self.group, exc)

    @property
    def following(self) -> bool:
        """Whether this subscription receives the group's messages (it joined, and is not over)."""
        started = self.started is not None and self.started.done()
        return started and self.registry.get(self.key) is self


def subscription(layer, group: str) -> LocalGroup | None:
    """Return this process's subscription to ``group``, if it has joined it and is still in it."""
    local = _groups().get((id(layer), group))
    return local if local is not None and local.following else None


def _groups() -> dict:
    loop = asyncio.get_running_loop()
    groups = _local_groups.get(loop)
    if groups is None:
        groups = _local_groups[loop] = {}
    return groups


async def join(layer, group: str, consumer) -> None:
    """Make ``consumer`` receive the messages of ``group`` through this process's channel.

    Raises ``LayerUnavailable`` when the layer does not answer.
    """
    groups = _groups()
    key = (id(layer), group)
    local = groups.get(key)
    if local is None:
        local = groups[key] = LocalGroup(layer, group, groups, key)
        local.started = asyncio.ensure_future(local.start())
    try:
        # Shielded: a reader who leaves while the process joins must not cancel the
        # join for the readers who wait on it too.
        await asyncio.shield(local.started)
    except Exception as exc:
        if groups.get(key) is local:
            del groups[key]
        _layer_failed(layer, exc)
        raise LayerUnavailable(repr(exc)) from exc
    _layer_answered(layer)
    local.consumers[consumer] = None


# Groups on their way out, kept from the garbage collector until they are out.
_stopping: set[asyncio.Task] = set()


def discard(layer, group: str, consumer) -> asyncio.Task | None:
    """Stop delivering ``group`` to ``consumer`` at once; the last reader takes the process out.

    Synchronous, so that a reader whose task is cancelled is still let go. Returns the
    task that takes the process out of the group, when this was its last reader.
    """
    groups = _groups()
    key = (id(layer), group)
    local = groups.get(key)
    if local is None or consumer not in local.consumers:
        return None
    del local.consumers[consumer]
    if local.consumers:
        return None
    del groups[key]
    task = asyncio.ensure_future(local.stop())
    _stopping.add(task)
    task.add_done_callback(_stopping.discard)
    return task


async def leave(layer, group: str, consumer) -> None:
    """``discard``, and wait until the process is out of the group if it was the last reader."""
    task = discard(layer, group, consumer)
    if task is not None:
        # Shielded: a reader cancelled now must not leave the process half out.
        await asyncio.shield(task)


def local_readers(layer, group: str) -> int:
    """How many of this process's readers receive ``group`` (for tests and the bench)."""
    local = _groups().get((id(layer), group))
    return len(local.consumers) if local else 0
