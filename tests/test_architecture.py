"""The architecture check: no view, API, command, form or template reaches the record models
except through the door. Runs the import-linter contracts in pyproject.toml."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "custodian"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def run_lint_imports(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def lint_imports_available():
    if not LINT_IMPORTS.exists():
        pytest.fail(f"lint-imports is not installed next to {sys.executable}")


def test_contracts_hold_on_the_code_as_it_is(lint_imports_available):
    result = run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(
        PACKAGE,
        project / "custodian",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static", "templates"),
    )
    return project


SNEAKY_VIEW = '''"""A view that reads a patron straight from the model, skipping the door."""

from custodian.records.models import Patron


def peek(request, card_number):
    return Patron.objects.get(card_number=card_number).last_name
'''


@pytest.mark.parametrize(
    "module",
    [
        # Caught because the whole desk package is screens.
        "custodian/desk/peek.py",
        # Caught by the wildcard: a `views` module anywhere, even in a package (synth) that
        # may itself use the models.
        "custodian/synth/views.py",
        # A form and a command, wherever they live.
        "custodian/audit/forms.py",
        "custodian/circulation/management/commands/peek.py",
    ],
)
def test_contracts_fail_when_a_view_imports_a_record_model(
    tmp_path, module, lint_imports_available
):
    project = _copy_project(tmp_path)
    target = project / module
    target.parent.mkdir(parents=True, exist_ok=True)
    for parent in target.relative_to(project).parents:
        if parent != Path(".") and not (project / parent / "__init__.py").exists():
            (project / parent / "__init__.py").write_text("")
    target.write_text(SNEAKY_VIEW)

    result = run_lint_imports(project)

    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    dotted = module.removesuffix(".py").replace("/", ".")
    assert dotted in result.stdout
    assert "custodian.records.models" in result.stdout


TEMPLATE_DIRS = [p for p in PACKAGE.rglob("templates") if p.is_dir()]


def test_templates_reach_no_model_manager_or_queryset():
    """Templates render door views only: they never call `.objects`, `.all`, `_set`
    reverse relations, or anything else that would query the records themselves."""
    reaching = re.compile(r"\.objects\b|_set\b|\.all\b|\.filter\b|\.get_model\b|records\.models")
    offenders = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if reaching.search(line):
                    offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert TEMPLATE_DIRS, "no template folder found"
    assert not offenders, "\n".join(offenders)


SCREEN_MODULES = re.compile(r"(^|/)(views|api|cli|forms|urls)\.py$|/templatetags/|/management/")


def test_screens_do_not_fetch_record_models_by_name():
    """import-linter sees imports; this catches the other way in, apps.get_model()."""
    offenders = []
    for source in PACKAGE.rglob("*.py"):
        relative = source.relative_to(ROOT).as_posix()
        if not (SCREEN_MODULES.search(relative) or relative.startswith("custodian/desk/")):
            continue
        text = source.read_text()
        if re.search(r"get_model\(\s*['\"]records", text) or "'records.'" in text:
            offenders.append(relative)
    assert not offenders, offenders


def test_no_patron_record_model_is_in_the_admin_site(db):
    """The admin site reads models directly; registering a record model there would be a
    second door with no policy and no audit."""
    from django.contrib import admin

    registered = [m._meta.label for m in admin.site._registry]
    assert "accounts.StaffUser" in registered
    assert not [label for label in registered if label.startswith("records.")], registered
