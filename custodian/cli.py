"""The `custodian` command. Each domain adds its own sub-commands through `register(app)`."""

import typer

from custodian import i18n_cli, server_cli
from custodian.accounts import cli as accounts_cli
from custodian.audit import cli as audit_cli
from custodian.circulation import cli as circulation_cli
from custodian.disclosure import cli as disclosure_cli
from custodian.holds import cli as holds_cli
from custodian.interchange import cli as interchange_cli
from custodian.notices import cli as notices_cli
from custodian.policy import cli as policy_cli
from custodian.portal import cli as portal_cli
from custodian.records import keys_cli
from custodian.retention import cli as retention_cli
from custodian.sip2 import cli as sip2_cli
from custodian.statistics import cli as statistics_cli
from custodian.synth import cli as synth_cli

app = typer.Typer(
    help="Custodian: patron records that keep library confidentiality by construction.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (
    server_cli,
    policy_cli,
    audit_cli,
    synth_cli,
    disclosure_cli,
    circulation_cli,
    accounts_cli,
    i18n_cli,
    notices_cli,
    portal_cli,
    retention_cli,
    holds_cli,
    statistics_cli,
    keys_cli,
    sip2_cli,
    interchange_cli,
):
    module.register(app)


def main() -> None:
    app()
