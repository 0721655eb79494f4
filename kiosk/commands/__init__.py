"""The `kiosk` subcommands, one module each; each module has ``register(subparsers)``.

Add a subcommand by writing its module and naming it in COMMAND_MODULES.
"""

COMMAND_MODULES = (
    "kiosk.commands.demo",
    "kiosk.commands.config",
    "kiosk.commands.ils",
    "kiosk.commands.sip2",
    "kiosk.commands.payment",
    "kiosk.commands.payments",
    "kiosk.commands.rfid",
    "kiosk.commands.rooms",
    "kiosk.commands.printer",
    "kiosk.commands.lockers",
    "kiosk.commands.sync",
    "kiosk.commands.store",
    "kiosk.commands.privacy",
    "kiosk.commands.stats",
    "kiosk.commands.staff",
    "kiosk.commands.console",
    "kiosk.commands.registration",
    "kiosk.commands.monitor",
    "kiosk.commands.doctor",
    "kiosk.commands.run",
    "kiosk.commands.sim",
    "kiosk.commands.bench",
)
