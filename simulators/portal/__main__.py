"""``python -m simulators.portal``: serve the reference portal (see ``server.py``)."""

from simulators.portal.server import main

raise SystemExit(main())
