"""``python -m backprop_trace``: the command line."""

import sys

from .cli import main

sys.exit(main())
