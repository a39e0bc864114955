"""`custodian sip2 ...`: the SIP2 server and the accounts machines sign in with."""

import typer

from custodian.sip2 import accounts_cli, serve_cli


def register(app: typer.Typer) -> None:
    sip2 = typer.Typer(
        help="SIP2 for self-check kiosks, return machines and PC booking (docs/sip2.md).",
        no_args_is_help=True,
    )
    serve_cli.register(sip2)
    accounts_cli.register(sip2)
    app.add_typer(sip2, name="sip2")
