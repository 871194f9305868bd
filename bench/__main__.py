"""``make bench``: run the benchmarks, print their tables, write bench/results/*.json.

``python -m bench`` runs them all; ``python -m bench fanout --quick`` (or ``publish_path``,
``admin``, ``presence``, ``newsroom``, ``restart``) runs one, ``--quick`` with small sizes
for development.
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:////tmp/wagtail_live_admin_bench_{os.getpid()}.sqlite3"
)

BENCHES = ("publish_path", "presence", "admin", "newsroom", "restart", "fanout")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("benches", nargs="*", metavar="bench", help=", ".join(BENCHES))
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument(
        "--server", action="append", help="fan-out, restart: only this server (repeatable)"
    )
    parser.add_argument("--sizes", type=lambda v: [int(n) for n in v.split(",")])
    parser.add_argument("--processes", type=lambda v: [int(n) for n in v.split(",")])
    parser.add_argument("--modes", type=lambda v: v.split(","))
    parser.add_argument("--profile", type=Path, help="fan-out: py-spy the servers into DIR")
    args = parser.parse_args()
    # A terminated bench still stops the servers and clients it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    benches = args.benches or list(BENCHES)
    if unknown := set(benches) - set(BENCHES):
        parser.error(f"unknown bench {', '.join(sorted(unknown))}, choose from {BENCHES}")

    import django

    django.setup()
    from django.core.management import call_command

    from bench.machine import machine
    from bench.redis import bench_redis

    started = time.perf_counter()
    print(f"machine: {machine()}")
    call_command("migrate", verbosity=0)
    if "publish_path" in benches:
        from bench import publish_path

        publish_path.run()
    with bench_redis() as redis_url:
        if "presence" in benches:
            from bench import presence

            presence.run(redis_url=redis_url)
        if "admin" in benches:
            from bench import admin

            admin.run(redis_url=redis_url, quick=args.quick)
        if "newsroom" in benches:
            from bench import newsroom

            newsroom.run(redis_url=redis_url, quick=args.quick)
        if "restart" in benches:
            from bench import restart

            restart.run(
                redis_url=redis_url, quick=args.quick, sizes=args.sizes, servers=args.server
            )
        if "fanout" in benches:
            from bench import fanout

            fanout.run(
                quick=args.quick,
                servers=args.server,
                sizes=args.sizes,
                processes=args.processes,
                modes=args.modes,
                profile=args.profile,
                redis_url=redis_url,
            )
    print(f"\nbench: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
