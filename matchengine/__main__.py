"""``python -m matchengine``: see :mod:`matchengine.cli`."""

import sys

from matchengine.cli import main

if __name__ == "__main__":
    sys.exit(main())
