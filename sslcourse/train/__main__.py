"""``python -m sslcourse.train --steps N --out DIR``: see ``sslcourse.train.distributed``."""
import sys

from .distributed import main

sys.exit(main())
