"""``python -m lib <command>``: the one command line (see ``lib.cli``)."""

import sys

from lib.cli import main

sys.exit(main())
