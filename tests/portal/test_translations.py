"""The Spanish catalogue: compiled without GNU gettext, complete for every string the portal
and the notices mark for translation, and never a guess (no fuzzy entries)."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from custodian import i18n

ROOT = Path(__file__).resolve().parents[2]
PO = i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"


def _po(folder: Path, entries: list[polib.POEntry]) -> Path:
    path = folder / "es" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}
    for entry in entries:
        po.append(entry)
    po.save(str(path))
    return path


def test_compiling_writes_a_catalogue_gettext_reads_and_leaves_out_guesses(tmp_path):
    fuzzy = polib.POEntry(msgid="Sign out", msgstr="Salir", flags=["fuzzy"])
    po = _po(tmp_path, [polib.POEntry(msgid="Language", msgstr="Idioma"), fuzzy])
    assert i18n.stale(tmp_path) == [po]
    (mo,) = i18n.compile_catalogues(locale_dir=tmp_path)
    catalogue = gettext.GNUTranslations(mo.open("rb"))
    assert catalogue.gettext("Language") == "Idioma"
    assert catalogue.gettext("Sign out") == "Sign out"  # a fuzzy entry is not a translation
    # Up to date now: nothing to do until the .po changes again.
    assert i18n.stale(tmp_path) == [] and i18n.ensure_compiled(tmp_path) == []
    os.utime(po, (mo.stat().st_mtime + 10, mo.stat().st_mtime + 10))
    assert i18n.ensure_compiled(tmp_path) == [mo]


def test_the_command_compiles_and_the_check_names_what_is_missing(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from custodian.cli import app

    _po(
        tmp_path,
        [polib.POEntry(msgid="Language", msgstr=""), polib.POEntry(msgid="Save", msgstr="Guardar")],
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    runner = CliRunner()
    done = runner.invoke(app, ["i18n", "compile"])
    assert done.exit_code == 0 and "Compiled" in done.output
    assert (
        runner.invoke(app, ["i18n", "compile"]).output.strip() == "The translations are up to date."
    )
    check = runner.invoke(app, ["i18n", "check"])
    assert check.exit_code == 1
    assert "es: 1 messages not yet translated" in check.output and "'Language'" in check.output


def test_the_test_session_compiled_the_spanish_catalogue():
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime


def test_every_message_in_the_catalogue_is_translated():
    assert i18n.untranslated(PO) == []
    po = polib.pofile(str(PO))
    assert po.metadata["Language"] == "es" and not po.metadata_is_fuzzy
    for entry in po:
        # The same %(name)s placeholders, so a Spanish page never fails to format.
        if entry.msgid_plural:
            continue
        for mark in ("%(", "%s", "%d", "{"):
            assert entry.msgid.count(mark) == entry.msgstr.count(mark), entry.msgid


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) not installed")
def test_every_string_marked_in_the_code_has_its_spanish(tmp_path):
    """Extract afresh (makemessages on a copy of the code) and look each msgid up."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT / "custodian", copy / "custodian", ignore=shutil.ignore_patterns("__pycache__", "*.mo")
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "custodian.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "es", "--no-location"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "custodian" / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    ours = {e.msgid: e for e in polib.pofile(str(PO)) if not e.obsolete}
    missing = [
        e.msgid
        for e in fresh
        if not e.obsolete
        and (e.msgid not in ours or not ours[e.msgid].translated() or ours[e.msgid].fuzzy)
    ]
    assert missing == [], (
        f"{len(missing)} strings have no Spanish yet (docs/portal.md, 'English and Spanish'): "
        + "; ".join(repr(m[:60]) for m in missing[:10])
    )


def test_every_field_label_is_in_the_catalogue():
    """Field labels reach portal pages through gettext at run time; each is listed for
    extraction (custodian/portal/field_words.py) and translated."""
    from custodian.disclosure import vocab
    from custodian.policy.vocabulary import EVIDENCE_LABELS
    from custodian.portal.field_words import FIELD_LABELS, PROOF_LABELS

    assert set(vocab.FIELDS.values()) <= set(FIELD_LABELS)
    assert set(EVIDENCE_LABELS.values()) <= set(PROOF_LABELS)
    translated = {e.msgid for e in polib.pofile(str(PO)) if e.translated() and not e.fuzzy}
    labels = {*FIELD_LABELS, *PROOF_LABELS}
    assert labels <= translated, sorted(labels - translated)


def test_every_name_the_code_gives_gettext_is_one_makemessages_extracts():
    """A module that imports `gettext_lazy as _l` marks strings xgettext never sees unless
    it is told the name (custodian/portal/management/commands/makemessages.py)."""
    import re

    from custodian.portal.management.commands.makemessages import Command

    told = {"_", *(o.split("=", 1)[1].split(":")[0] for o in Command.xgettext_options if "=" in o)}
    told |= {"gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext"}
    aliases = set()
    for path in (ROOT / "custodian").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in re.findall(r"^from django\.utils\.translation import (.+)$", text, re.M):
            for part in line.strip("()").split(","):
                name = part.split(" as ")[-1].strip()
                if "gettext" in part and name:
                    aliases.add((name, path.name))
    unknown = sorted(f"{name} ({where})" for name, where in aliases if name not in told)
    assert not unknown, f"makemessages would miss strings marked with: {unknown}"
