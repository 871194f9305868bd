"""Unit tests of realtime/connection_limit.py: open sockets counted per client address."""

import threading
import time

from wagtail_live_admin.realtime.connection_limit import OpenSockets, client_address

ADDRESS = "203.0.113.7"


def test_open_sockets_add_accepts_up_to_the_limit():
    sockets = OpenSockets()
    assert [sockets.add(ADDRESS, limit=3) for _ in range(3)] == [True, True, True]


def test_open_sockets_add_refuses_past_the_limit():
    sockets = OpenSockets()
    for _ in range(3):
        sockets.add(ADDRESS, limit=3)
    assert sockets.add(ADDRESS, limit=3) is False


def test_open_sockets_refused_socket_is_not_counted():
    sockets = OpenSockets()
    for _ in range(3):
        sockets.add(ADDRESS, limit=3)
    sockets.add(ADDRESS, limit=3)
    assert sockets.count(ADDRESS) == 3


def test_open_sockets_remove_frees_a_place():
    sockets = OpenSockets()
    for _ in range(2):
        sockets.add(ADDRESS, limit=2)
    sockets.remove(ADDRESS)
    assert sockets.add(ADDRESS, limit=2) is True


def test_open_sockets_addresses_are_counted_apart():
    sockets = OpenSockets()
    sockets.add(ADDRESS, limit=1)
    assert sockets.add("198.51.100.4", limit=1) is True


def test_open_sockets_address_without_sockets_counts_zero():
    sockets = OpenSockets()
    sockets.add(ADDRESS, limit=None)
    sockets.add(ADDRESS, limit=None)
    sockets.remove(ADDRESS)
    sockets.remove(ADDRESS)
    assert sockets.count(ADDRESS) == 0


def test_open_sockets_address_without_sockets_is_dropped():
    # What keeps the counts as small as the open sockets, however many clients came and went.
    sockets = OpenSockets()
    sockets.add(ADDRESS, limit=None)
    sockets.remove(ADDRESS)
    assert ADDRESS not in sockets._counts


def test_open_sockets_stray_remove_gives_no_extra_place():
    sockets = OpenSockets()
    sockets.remove(ADDRESS)
    assert [sockets.add(ADDRESS, limit=1) for _ in range(2)] == [True, False]


def test_open_sockets_none_address_is_never_refused():
    sockets = OpenSockets()
    assert all(sockets.add(None, limit=1) for _ in range(5))


def test_open_sockets_none_address_is_never_counted():
    sockets = OpenSockets()
    sockets.add(None, limit=1)
    sockets.remove(None)
    assert sockets._counts == {}


def test_open_sockets_no_limit_never_refuses():
    sockets = OpenSockets()
    assert all(sockets.add(ADDRESS, limit=None) for _ in range(1000))


def test_open_sockets_no_limit_still_counts():
    sockets = OpenSockets()
    for _ in range(4):
        sockets.add(ADDRESS, limit=None)
    assert sockets.count(ADDRESS) == 4


def test_open_sockets_concurrent_adds_and_removes_end_at_zero():
    sockets = OpenSockets()

    def churn():
        for _ in range(2000):
            sockets.add(ADDRESS, limit=None)
            sockets.remove(ADDRESS)

    threads = [threading.Thread(target=churn) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sockets.count(ADDRESS) == 0


def test_open_sockets_concurrent_adds_never_pass_the_limit():
    sockets, guard = OpenSockets(), threading.Lock()
    holding, most = 0, 0

    def churn():
        nonlocal holding, most
        for _ in range(500):
            if sockets.add(ADDRESS, limit=3):
                with guard:
                    holding += 1
                    most = max(most, holding)
                time.sleep(0)  # let other threads in while this socket is open
                with guard:
                    holding -= 1
                sockets.remove(ADDRESS)

    threads = [threading.Thread(target=churn) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most <= 3


def test_client_address_reads_the_host_of_scope_client():
    assert client_address({"type": "websocket", "client": [ADDRESS, 51234]}) == ADDRESS


def test_client_address_reads_ipv6_hosts():
    assert client_address({"client": ("2001:db8::1", 443)}) == "2001:db8::1"


def test_client_address_without_client_is_none():
    assert client_address({"type": "websocket"}) is None


def test_client_address_with_client_none_is_none():
    # A Unix socket: the ASGI server reports no client.
    assert client_address({"type": "websocket", "client": None}) is None
