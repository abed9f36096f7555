"""The command line: `simspace run|compare|report|plan|validate|schema|serve`. Only here do errors
become messages and exit codes (`simspace.cli.main.main`)."""

from simspace.cli.main import entry_point, main

__all__ = ["entry_point", "main"]
