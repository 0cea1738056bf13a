"""``python -m scidl.cli``: the same as the ``scidl`` command."""

import sys

from scidl.cli import main

sys.exit(main())
