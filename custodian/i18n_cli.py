"""`custodian i18n compile|check`: the patron screens' translations (custodian/i18n.py)."""

import sys

import typer

from custodian import i18n

i18n_app = typer.Typer(help="The patron screens' translations (English, Spanish).")


@i18n_app.command("compile")
def compile_command(
    force: bool = typer.Option(False, "--force", help="Compile every catalogue, stale or not."),
) -> None:
    """Compile the .po catalogues to the .mo files Django reads (no GNU gettext needed)."""
    written = i18n.compile_catalogues(force=force)
    if not written:
        typer.echo("The translations are up to date.")
    for mo in written:
        typer.echo(f"Compiled {mo.relative_to(i18n.LOCALE_DIR.parent)}")


@i18n_app.command("check")
def check_command() -> None:
    """Say how many messages each catalogue still lacks; exit 1 if any does."""
    missing_any = False
    for po in i18n.catalogues():
        missing = i18n.untranslated(po)
        language = po.parent.parent.name
        if missing:
            missing_any = True
            sys.stderr.write(f"{language}: {len(missing)} messages not yet translated\n")
            for msgid in missing[:20]:
                sys.stderr.write(f"  {msgid[:70]!r}\n")
        else:
            typer.echo(f"{language}: every message translated")
    if missing_any:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(i18n_app, name="i18n")
