"""When the server is told to stop (SIGTERM, a deploy), let this process's readers go.

daphne does not close sockets on SIGTERM (its readers drop with 1006 and stay counted
until the presence TTL); uvicorn closes them with 1012 only once its shutdown has begun.
So the first admitted reader installs a SIGTERM handler in front of the server's own
(installed when the server starts, after ``AppConfig.ready``). On SIGTERM it closes the
readers with ``CLOSE_GOING_AWAY``, ``SHUTDOWN_RATE`` a second in batches about ``STEP`` apart,
each batch out of presence as it goes: they reconnect as fast as the other processes
admit them, and each is served and counted until its own close. It then waits (at most
``GRACE`` seconds) for the sockets to close and hands the signal on to the server. A
second SIGTERM is handed on at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import weakref

from ..conf import get_setting

logger = logging.getLogger(__name__)

# Documented with the other close codes in docs/reference/websocket.md. RFC 6455's 1001
# ("going away": a server going down) in the range an application may send.
CLOSE_GOING_AWAY = 4001

# Most seconds the server's own shutdown waits for the readers' sockets to close.
GRACE = 3.0

# About the seconds between two batches of readers let go, and the most seconds they
# take in all (a faster rate beyond it): with GRACE, within docker stop's 10 s.
STEP = 0.05
MOST_SECONDS = 5.0

_readers: weakref.WeakSet = weakref.WeakSet()
_loop: asyncio.AbstractEventLoop | None = None
_previous = None  # the server's handler, called once the readers are let go
_installed = False
_stopping = False
_drain_task: asyncio.Task | None = None
_all_gone: asyncio.Event | None = None


def stopping() -> bool:
    """Return whether this process has been told to stop (its readers are being let go)."""
    return _stopping


def watch(consumer) -> bool:
    """Let ``consumer`` go when the process is told to stop; False if it is stopping already."""
    global _loop
    if _stopping:
        return False
    _loop = asyncio.get_running_loop()
    _readers.add(consumer)
    _install()
    return True


def forget(consumer) -> None:
    """``consumer`` is gone: no need to let it go any more."""
    _readers.discard(consumer)
    if not _readers and _all_gone is not None:
        _all_gone.set()


def _install() -> None:
    global _installed, _previous
    # signal.signal works only in the main thread; both daphne and uvicorn run their
    # event loop there. Elsewhere (a test client's thread) there is nothing to stop.
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous in (signal.SIG_IGN, None):
        return
    _previous = previous
    signal.signal(signal.SIGTERM, _on_sigterm)
    _installed = True


def _on_sigterm(signum, frame) -> None:
    global _stopping
    loop = _loop
    if _stopping or loop is None or loop.is_closed():
        _hand_on(signum)
        return
    _stopping = True
    loop.call_soon_threadsafe(_start_drain, signum)


def _start_drain(signum) -> None:
    global _drain_task
    _drain_task = asyncio.get_running_loop().create_task(_drain(signum))


async def _drain(signum) -> None:
    global _all_gone
    readers = list(_readers)
    logger.info("Stopping: closing %s live readers, who reconnect elsewhere.", len(readers))
    try:
        _all_gone = asyncio.Event()
        if not readers:
            _all_gone.set()
        writes = []
        groups, interval = batches(readers, get_setting("SHUTDOWN_RATE"))
        for number, batch in enumerate(groups):
            if number:
                await asyncio.sleep(interval)
            # Out of presence first, the batch in one write, then closed.
            writes += [task for consumer in batch for task in consumer.let_go()]
            for consumer in batch:
                with contextlib.suppress(Exception):
                    await consumer.close(code=CLOSE_GOING_AWAY)
        async with asyncio.timeout(GRACE):
            await asyncio.gather(*writes, return_exceptions=True)
            await _all_gone.wait()
    except TimeoutError:
        logger.warning("Stopping: %s live readers did not close in time.", len(_readers))
    except Exception:
        logger.exception("Stopping: could not let every live reader go.")
    finally:
        _hand_on(signum)


def batches(readers: list, rate: float | None) -> tuple[list[list], float]:
    """``readers`` in batches, and the seconds between two: ``rate`` a second (None: all
    at once), faster if they would take over ``MOST_SECONDS``."""
    if not rate or not readers:
        return [readers], 0.0
    rate = max(rate, len(readers) / MOST_SECONDS)
    size = max(1, round(rate * STEP))
    return [readers[start : start + size] for start in range(0, len(readers), size)], size / rate


def _hand_on(signum) -> None:
    """Give the signal to the handler the server installed (or the default: exit)."""
    previous = _previous
    if callable(previous):
        previous(signum, None)
        return
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)
