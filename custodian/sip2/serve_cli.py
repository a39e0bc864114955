"""`custodian sip2 serve` (issue 12): the SIP2 server for self-check machines (docs/sip2-server.md)."""

import ssl
import sys
from pathlib import Path

import typer
from rich.console import Console

from custodian import djangoenv

console = Console()


def _fail(message: str) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")
    raise typer.Exit(2)


def _tls(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    from custodian.sip2.server import tls_context

    if cert is None and key is None:
        return None
    if cert is None or key is None:
        _fail("give both --tls-cert and --tls-key, or neither")
    for what, path in (("certificate", cert), ("key", key)):
        if not Path(path).is_file():
            _fail(f"the TLS {what} file {path} does not exist")
    try:
        return tls_context(cert, key)
    except (ssl.SSLError, ValueError):
        _fail(
            "the TLS certificate and key could not be loaded: both must be PEM files and the "
            "key must belong to the certificate"
        )
    except OSError as e:
        _fail(f"cannot read the TLS certificate or key: {e.strerror}")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(6001, help="Port to listen on (SIP2's usual 6001)."),
    tls_cert: str | None = typer.Option(
        None, "--tls-cert", help="PEM certificate (chain): speak TLS, as SIP2 carries PINs."
    ),
    tls_key: str | None = typer.Option(None, "--tls-key", help="The certificate's PEM key."),
    idle_timeout: float = typer.Option(
        600, "--idle-timeout", help="Seconds a connection may stay silent before it is closed."
    ),
) -> None:
    """Start the SIP2 server for self-check kiosks, return machines and PC booking."""
    djangoenv.setup()
    from custodian.server_cli import check_profile, migrate, warn_audit_key_location
    from custodian.sip2 import server

    check_profile()
    if not 0 <= port <= 65535:
        _fail(f"--port must be between 0 and 65535, not {port}")
    if idle_timeout <= 0:
        _fail("--idle-timeout must be a positive number of seconds")
    context = _tls(tls_cert, tls_key)
    migrate(quiet=True)
    warn_audit_key_location()

    def listening(bound: int) -> None:
        scheme = "SIP2 over TLS" if context else "SIP2 (plain TCP: use TLS or a private network)"
        console.print(
            f"Custodian is serving {scheme} on [bold]{host}:{bound}[/bold]  (Ctrl+C stops it)",
            highlight=False,
        )

    try:
        server.serve(host, port, context, idle_timeout=idle_timeout, on_listening=listening)
    except OSError as e:
        _fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    console.print("SIP2 server stopped.")


def register(sip2: typer.Typer) -> None:
    """Add `serve` to the `sip2` command group."""
    sip2.command()(serve)
