"""The `kiosk` subcommands, one module each; each module has ``register(subparsers)``.

Add a subcommand by writing its module and naming it in COMMAND_MODULES.
"""

COMMAND_MODULES = (
    "kiosk.commands.config",
    "kiosk.commands.sim",
    "kiosk.commands.bench",
)
