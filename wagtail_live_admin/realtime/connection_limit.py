"""Live sockets per client address, counted in this server process.

``WAGTAIL_LIVE_MAX_CONNECTIONS_PER_CLIENT`` caps them. The count lives in the process
that holds the sockets, so it can never outlive them: a process that dies takes its
count along, and no shared store has to be cleaned up. With several server processes
a client may hold up to the cap in each (docs/security.md).
"""

from __future__ import annotations

import threading
from collections import Counter


def client_address(scope) -> str | None:
    """Return the client's address as the ASGI server reports it, or None when it has none.

    Behind a proxy this is the proxy's address unless the server is told to trust the
    proxy's forwarded headers (daphne ``--proxy-headers``, uvicorn ``--forwarded-allow-ips``).
    """
    client = scope.get("client")
    return str(client[0]) if client else None


class OpenSockets:
    """Count open sockets per client address; refuse one over a limit."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        # Consumers run on the server's event loop, but tests and other servers may
        # run several loops in one process.
        self._lock = threading.Lock()

    def add(self, address: str | None, *, limit: int | None) -> bool:
        """Count one more socket of ``address``; return False, counting nothing, when at ``limit``.

        A socket without an address (a Unix socket, a test) is never counted or refused.
        """
        if address is None:
            return True
        with self._lock:
            if limit is not None and self._counts[address] >= limit:
                return False
            self._counts[address] += 1
            return True

    def remove(self, address: str | None) -> None:
        """Stop counting one socket of ``address`` (one that ``add`` counted)."""
        if address is None:
            return
        with self._lock:
            self._counts[address] -= 1
            if self._counts[address] <= 0:
                del self._counts[address]

    def count(self, address: str) -> int:
        with self._lock:
            return self._counts[address]


# The one count of this process, shared by every LiveConsumer.
open_sockets = OpenSockets()
