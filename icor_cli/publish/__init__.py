"""Publishing: the member page built from the registry (``render``), and the check of a
published page against it (``audit``). Pure functions; the commands are in
``icor_cli.commands.publish``."""
