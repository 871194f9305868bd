"""How far behind a reader's socket is: bytes of its frames the server holds, not yet written.

``WAGTAIL_LIVE_MAX_UNSENT_BYTES`` caps it (docs/security.md, "Slow readers").
"""

from __future__ import annotations

import functools


def _twisted_socket(send):
    """Return the Twisted protocol of daphne's socket behind an ASGI ``send``, or None.

    daphne's ``send`` is ``partial(server.handle_reply, protocol)``. Middleware may wrap
    it: Channels' ``SessionMiddleware`` (in ``AuthMiddlewareStack``) keeps it as
    ``real_send``. Any other server, or a wrapper not known here, gives None.
    """
    for _ in range(4):
        if isinstance(send, functools.partial):
            protocol = send.args[0] if send.args else None
            ours = callable(getattr(protocol, "registerProducer", None))
            return protocol if ours and getattr(protocol, "transport", None) else None
        send = getattr(getattr(send, "__self__", None), "real_send", None)
    return None


class Backlog:
    """One reader's unsent bytes, and Twisted's push producer for its socket.

    ASGI has no word for them, so they are read where the server lets them be read:

    - a server that waits for the socket before ``send`` returns (uvicorn, hypercorn)
      holds the frames of the sends that have not returned;
    - daphne returns at once and buffers in Twisted, without limit. As the socket's push
      producer, the reader hears when Twisted's buffer passes 64 KiB (``pauseProducing``)
      and when it is empty again (``resumeProducing``): what is sent in between waits.

    The kernel's own socket buffers come on top: the operating system bounds those.
    """

    def __init__(self, send) -> None:
        self._waiting = 0  # in sends that have not returned
        self._buffered = 0  # sent while Twisted's buffer for the socket was over 64 KiB
        self._paused = False
        protocol = _twisted_socket(send)
        if protocol is not None:
            # daphne leaves the producer of the HTTP request that the socket was upgraded
            # from: a protocol that no longer has the connection. The socket is ours now.
            protocol.unregisterProducer()
            protocol.registerProducer(self, True)

    @property
    def unsent(self) -> int:
        return self._waiting + self._buffered

    def over(self, size: int, limit: int | None) -> bool:
        """Whether ``size`` more bytes would leave more than ``limit`` unsent.

        A reader with nothing unsent always gets the next frame, however large.
        """
        return limit is not None and self.unsent > 0 and self.unsent + size > limit

    def sending(self, size: int) -> None:
        """Count ``size`` bytes as unsent while their send has not returned (then ``sent``)."""
        self._waiting += size

    def sent(self, size: int) -> None:
        """The send of ``size`` bytes returned; they stay unsent if Twisted buffers them."""
        self._waiting -= size
        if self._paused:
            self._buffered += size

    # Twisted's IPushProducer, called by the socket's transport.

    def pauseProducing(self) -> None:
        self._paused = True

    def resumeProducing(self) -> None:
        # The buffer is empty: everything sent so far is on its way to the reader.
        self._paused = False
        self._buffered = 0

    def stopProducing(self) -> None:
        self._paused = False
