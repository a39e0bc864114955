"""The translation catalogues: `.po` files in the repository, compiled to `.mo` at set-up.

Django reads compiled `.mo` files; GNU gettext's `msgfmt` is not on every fresh machine, so
the catalogues are compiled here with polib (pure Python). `.mo` files are build output and
not committed: `./run setup`, `custodian serve`/`demo` and the test session call
`ensure_compiled()`, which compiles only a catalogue whose `.mo` is missing or older than
its `.po`. No Django here, so the test plugin can call it before Django is configured.
"""

from __future__ import annotations

from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The languages a patron may choose (settings.LANGUAGES); English is the source language.
LANGUAGES = (("en", "English"), ("es", "Español"))
LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)


def catalogues(locale_dir: Path | None = None) -> list[Path]:
    """Every `.po` file under the locale folder, in a stable order."""
    return sorted((locale_dir or LOCALE_DIR).glob("*/LC_MESSAGES/*.po"))


def stale(locale_dir: Path | None = None) -> list[Path]:
    """The catalogues whose `.mo` is missing or older than the `.po`."""
    out = []
    for po in catalogues(locale_dir):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            out.append(po)
    return out


def compile_catalogues(*, force: bool = False, locale_dir: Path | None = None) -> list[Path]:
    """Compile each stale catalogue (every one with `force`); return the `.mo` files written.

    Fuzzy entries are left out, as `msgfmt` does: a guess is not a translation.
    """
    import polib

    written = []
    for po_path in catalogues(locale_dir) if force else stale(locale_dir):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        # Written beside, then renamed: a server reading the old file never sees half a file.
        partial = mo_path.with_suffix(".mo.partial")
        po.save_as_mofile(str(partial))
        partial.replace(mo_path)
        written.append(mo_path)
    return written


def ensure_compiled(locale_dir: Path | None = None) -> list[Path]:
    """Compile what is stale; a no-op when every `.mo` is newer than its `.po`."""
    return compile_catalogues(locale_dir=locale_dir) if stale(locale_dir) else []


def untranslated(po_path: Path) -> list[str]:
    """msgids with no translation (empty, or marked fuzzy), for the completeness check."""
    import polib

    po = polib.pofile(str(po_path))
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
