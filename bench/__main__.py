"""``make bench``: run the benchmarks, print their tables, write bench/results/*.json."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:////tmp/wagtail_live_admin_bench_{os.getpid()}.sqlite3"
)


def main() -> None:
    import django

    django.setup()
    from bench import publish_path

    publish_path.run()


if __name__ == "__main__":
    main()
