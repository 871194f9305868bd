"""nginx with Nchan in the fan-out bench: the docs' configuration, one nginx worker each.

Readers' sockets go to nginx (``/ws/channel/<id>/``), which asks a daphne serving the
test project for admission (``nchan_authorize_request``) and shares channels through the
bench's Redis. The bench publishes as ``NchanPublisher`` does: one HTTP POST of the frame
to Nchan's publisher endpoint. CPU and memory are nginx's, master and worker.
"""

from __future__ import annotations

import asyncio
import os
import urllib.request
from pathlib import Path
from urllib.parse import quote

from bench import layers
from tests.servers import CommandServer, NginxServer, daphne_command
from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent


def _family(pid: int) -> list[int]:
    """``pid`` and its children (nginx's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *map(int, children.read_text().split())] if children.exists() else [pid]


class NchanProcesses:
    """``processes`` nginx servers on one Redis, and the daphne they ask for admission."""

    def __init__(self, server, processes: int, *, redis_url: str, database_url: str, path: str):
        self.server, self.redis_url, self.path = server, redis_url, path
        self.prefix = f"bench-nchan-{os.getpid()}"
        self.nginx = [NginxServer(redis_url=redis_url) for _ in range(processes)]
        port = free_port()
        self.django = CommandServer(
            daphne_command(port),
            port=port,
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url,
                **layers.layer_environment("core", redis_url, self.prefix),
            },
            ready="Listening on TCP address",
        )

    @property
    def urls(self) -> list[str]:
        return [f"{nginx.ws_url}{self.path}" for nginx in self.nginx]

    @property
    def pids(self) -> list[int]:
        return [pid for nginx in self.nginx for pid in _family(nginx.process.pid)]

    def publish_url(self, channel_id: str) -> str:
        return self.nginx[0].publish_url().format(channel=quote(channel_id, safe=""))

    def start(self) -> None:
        self.django.__enter__()
        for nginx in self.nginx:
            nginx.start(django_port=self.django.port)

    def stop(self) -> None:
        for nginx in self.nginx:
            nginx.stop()
        self.django.__exit__()

    def remove_logs(self) -> None:
        Path(self.django.log.name).unlink(missing_ok=True)
        for nginx in self.nginx:
            nginx.remove_files()

    def cpu(self) -> float:
        from bench.fanout import cpu_seconds  # bench.fanout imports this module

        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss(self) -> int:
        from bench.fanout import rss_bytes

        return sum(rss_bytes(pid) for pid in self.pids)

    def output(self) -> str:
        return "\n".join([self.django.output()[-3000:], *(n.output()[-3000:] for n in self.nginx)])


class NchanPublisher:
    """Publishes a frame as ``NchanPublisher.publish_entry`` does: a POST to nginx."""

    def __init__(self, url: str):
        self.url = url

    def _post(self, frame: str) -> None:
        request = urllib.request.Request(
            self.url,
            data=frame.encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    async def publish_frame(self, frame: str) -> None:
        await asyncio.to_thread(self._post, frame)
