"""`custodian migrate`, `custodian serve` and `custodian demo`."""

import sys

import typer
from rich.console import Console

from custodian import djangoenv, i18n

console = Console()

DEMO_PATRONS = 2_000


def migrate(quiet: bool = typer.Option(False, "--quiet", "-q")) -> None:
    """Create or upgrade the database tables (safe to run again)."""
    djangoenv.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)


def _fail(message: str) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")
    raise typer.Exit(2)


def check_profile() -> None:
    """Stop (exit 2, one line) unless CUSTODIAN_PROFILE names a known profile.

    Run before the database is touched: a server answering under no policy, or the wrong
    one, is worse than no server.
    """
    from django.conf import settings

    from custodian.policy.engine import get_engine
    from custodian.policy.errors import ProfileError

    try:
        known = sorted(get_engine().profiles)
    except ProfileError as e:
        _fail(f"profile error: {e}")
    if settings.CUSTODIAN_PROFILE not in known:
        _fail(
            f"CUSTODIAN_PROFILE={settings.CUSTODIAN_PROFILE!r} names no profile; known profiles: "
            f"{', '.join(known)} (add your own with CUSTODIAN_POLICY_PROFILES)"
        )


def check(
    deploy: bool = typer.Option(
        False, "--deploy", help="Also run Django's checks for a production deployment."
    ),
) -> None:
    """Run Django's system checks; any warning fails (exit 1). Use --deploy before going live."""
    djangoenv.setup()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=deploy, fail_level="WARNING")
    except SystemCheckError as e:
        sys.stderr.write(f"{e}\n")
        raise typer.Exit(1) from None


def build_application():
    """Collect the static files, then build the WSGI application that serves them.

    The order matters: WhiteNoise lists the static files once, when the application is built.
    """
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("collectstatic", interactive=False, verbosity=0)
    return get_wsgi_application()


def warn_audit_key_location() -> None:
    """Say so at start-up if the audit signing key sits beside the database (docs/audit.md)."""
    from custodian.audit.keys import key_location_warning

    if warning := key_location_warning():
        console.print(f"[yellow]Warning:[/yellow] {warning}", highlight=False)


def _run_server(host: str, port: int) -> None:
    from django.conf import settings
    from waitress import serve as waitress_serve

    application = build_application()
    console.print(f"Custodian is serving [bold]http://{host}:{port}/[/bold]  (Ctrl+C stops it)")
    console.print(f"Data directory: {settings.DATA_DIR}")
    warn_audit_key_location()
    waitress_serve(
        application,
        host=host,
        port=port,
        threads=8,
        ident="custodian",
        # Chunked bodies carry no length for BodyLimitMiddleware to read: cap them here.
        max_request_body_size=settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024,
    )


def hint_first_account() -> None:
    """On a database with no staff account, say how to make the first one (nobody could sign in)."""
    from custodian.accounts.selectors import has_staff

    if not has_staff():
        console.print(
            "No staff account exists yet, so nobody can sign in. Create the first one (the "
            "library director) in another terminal with\n"
            "  custodian staff create NAME --role director\n"
            "and the other staff accounts the same way (docs/staff.md).",
            highlight=False,
        )


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Start the web server on the configured database (no demo data)."""
    djangoenv.setup()
    check_profile()
    i18n.ensure_compiled()  # the Spanish screens' .mo, if missing or stale
    migrate(quiet=True)
    hint_first_account()
    _run_server(host, port)


def portal_url(host: str, port: int) -> str:
    """Where a person trying the demo signs in as a patron (a wildcard address: this machine)."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 (compared, not bound)
        host = "127.0.0.1"
    if ":" in host:  # an IPv6 address goes in brackets
        host = f"[{host}]"
    return f"http://{host}:{port}/my/"


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    patrons: int = typer.Option(DEMO_PATRONS, help="Patrons in a newly generated demo library."),
    seed: int = typer.Option(2026, help="Random seed for the demo library."),
    no_serve: bool = typer.Option(
        False, "--no-serve", help="Prepare the demo database, then stop."
    ),
    sip2_port: int = typer.Option(
        6001,
        "--sip2-port",
        help="Port for the SIP2 server the demo's self-check accounts sign in to (0: none).",
    ),
) -> None:
    """Create or reuse the demo database, fill a new one with a synthetic library, and serve it
    (the web screens, and SIP2 for self-check machines on a second port)."""
    djangoenv.setup()
    check_profile()
    i18n.ensure_compiled()  # the Spanish screens' .mo, if missing or stale
    migrate(quiet=True)
    from custodian.synth import services as synth

    logins = synth.prepare_demo(
        patrons=patrons, seed=seed, console=console, portal_url=portal_url(host, port)
    )
    console.print("\n[bold]Demo staff logins[/bold] (username / password, role):")
    from custodian.words import word_for

    for login in logins:
        console.print(
            f"  {login.username:<12} {login.password:<22} {word_for(login.role, 'role')}",
            highlight=False,
        )
    kiosks = _demo_sip2_accounts()
    if no_serve:
        return
    if sip2_port:
        _start_demo_sip2(host, sip2_port, kiosks)
    _run_server(host, port)


def _demo_sip2_accounts() -> list:
    """One self-check SIP account per demo branch (the same passwords on a reused demo)."""
    from custodian.sip2.services import create_demo_accounts

    kiosks = create_demo_accounts()
    console.print("\n[bold]Demo self-check machines[/bold] (SIP2 login / password, branch):")
    for kiosk in kiosks:
        console.print(
            f"  {kiosk.name:<18} {kiosk.password:<22} {kiosk.branch_code}", highlight=False
        )
    return kiosks


def _start_demo_sip2(host: str, port: int, kiosks: list) -> None:
    """SIP2 beside the web server, in a background thread. A port already in use is said
    plainly and the web screens still start: the demo is for trying things."""
    from custodian.sip2.server import start_in_thread

    try:
        running = start_in_thread(host, port)
    except OSError as e:
        console.print(
            f"SIP2 not started: port {port} cannot be used ({e.strerror or e}). "
            "Choose another with --sip2-port.",
            highlight=False,
        )
        return
    console.print(
        f"SIP2 for self-check machines on [bold]{host}:{running.port}[/bold] "
        f"(sign in with one of the {len(kiosks)} accounts above; docs/sip2.md)"
    )


def register(app: typer.Typer) -> None:
    app.command()(migrate)
    app.command()(serve)
    app.command()(demo)
    app.command()(check)
