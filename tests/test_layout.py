"""The package's layout: the parts in folders, the root kept to the app's own modules."""

from pathlib import Path

import wagtail_live_admin

PACKAGE = Path(wagtail_live_admin.__file__).parent

# The app's own modules, and wagtail-live's (blocks, exceptions, models, utils), whose
# import paths keep working.
ROOT_MODULES = {
    "__init__", "apps", "checks", "conf", "signals", "urls", "wagtail_hooks",
    "blocks", "exceptions", "models", "utils",
}  # fmt: skip
MAX_LINES = 300


def test_the_package_root_holds_only_the_apps_own_and_wagtail_lives_modules():
    assert {path.stem for path in PACKAGE.glob("*.py")} == ROOT_MODULES


def test_no_module_is_over_300_lines():
    too_long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
