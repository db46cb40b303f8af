"""One module per slash command, each defining its ``SPEC`` (a :class:`timbot.commands.spec.CommandSpec`)."""
