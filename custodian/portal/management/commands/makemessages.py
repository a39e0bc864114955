"""Django's makemessages, also finding the short names the code gives gettext_lazy.

xgettext only knows the names it is told; Django tells it `_`, `gettext`, `gettext_lazy`,
`ngettext_lazy`, ... . Some modules import `gettext_lazy as _l` or `as _lazy` (a module that
also uses `gettext as _` needs a second name); without these keywords their strings would
never reach the catalogue, and their pages would stay English in Spanish.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l", "--keyword=_lazy"]
