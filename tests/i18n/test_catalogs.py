"""The shipped catalogs: complete, compiled, and never changing what Wagtail's words mean."""

import gettext
from pathlib import Path

import django
import pytest
from django.apps import apps

from tests.i18n.catalogs import LANGUAGES, LOCALE_DIR, read_po

pytestmark = pytest.mark.parametrize("language", LANGUAGES)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def compiled(language: str) -> dict:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def key_of(message) -> str:
    return f"{message.context}\x04{message.msgid}" if message.context else message.msgid


def test_every_message_is_translated(language):
    untranslated = [
        message.msgid
        for message in read_po(po_path(language))
        if not all(message.msgstr) or "fuzzy" in message.flags
    ]
    assert untranslated == []


def test_the_compiled_catalog_is_the_po_file(language):
    # A .po edited without compilemessages would ship the old translations.
    catalog = compiled(language)
    for message in read_po(po_path(language)):
        if message.plural:
            found = [catalog.get((key_of(message), n)) for n in range(len(message.msgstr))]
        else:
            found = [catalog.get(key_of(message))]
        assert found == message.msgstr, message.msgid


def others_translation(language: str) -> dict:
    """What each msgid means in ``language`` without our catalog: Wagtail's and Django's.

    Django merges the apps' catalogs so that the first app in INSTALLED_APPS wins, over
    Django's own. Ours comes first, so a msgid of ours without a context would replace
    Wagtail's translation of the same msgid everywhere in the admin.
    """
    catalogs = []
    for app_config in apps.get_app_configs():
        mo = Path(app_config.path) / "locale" / language / "LC_MESSAGES" / "django.mo"
        if app_config.label != "wagtail_live_admin" and mo.exists():
            catalogs.append(mo)
    catalogs.append(Path(django.__file__).parent / "conf" / "locale" / language)
    merged = {}
    for mo in reversed(catalogs):
        if mo.is_dir():
            mo = mo / "LC_MESSAGES" / "django.mo"
        with mo.open("rb") as file:
            merged.update(gettext.GNUTranslations(file)._catalog)
    return merged


def test_a_msgid_shared_with_wagtail_keeps_its_meaning(language):
    # "Live" is a page's status in Wagtail ("Veröffentlicht"), and our menu's name: the
    # menu's msgid carries a context. A msgid without one must mean what Wagtail's does.
    theirs = others_translation(language)
    assert theirs["Live"] == "Veröffentlicht"  # the clash this guards against
    clashes = {}
    for message in read_po(po_path(language)):
        if message.context:
            continue
        keys = [(message.msgid, n) for n in range(2)] if message.plural else [message.msgid]
        for key, ours in zip(keys, message.msgstr, strict=False):
            if key in theirs and theirs[key] != ours:
                clashes[message.msgid] = (ours, theirs[key])
    assert clashes == {}
