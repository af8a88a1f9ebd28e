"""Exercise checkers: ``x = sc.checks.check_x(x)`` after each exercise.

Each returns the function the next cells should use (the learner's if it passes, else the
package's reference) and prints one line: ``[OK]``, ``[TODO]`` or ``[NOT YET]`` with a hint.
"""
from ._core import Case, Mistake, check_function
from .lesson01 import *  # noqa: F401,F403  one checker per exercise, check_<name>
from .lesson02 import *  # noqa: F401,F403
from .lesson03 import *  # noqa: F401,F403
from .lesson04 import *  # noqa: F401,F403
from .lesson05 import *  # noqa: F401,F403
from .lesson06 import *  # noqa: F401,F403
from .lesson07 import *  # noqa: F401,F403
from .lesson08 import *  # noqa: F401,F403
from .lesson09 import *  # noqa: F401,F403
from .lesson10 import *  # noqa: F401,F403
