"""``python -m timbot``: the same as the ``timbot`` console script."""

from timbot.cli import main

raise SystemExit(main())
