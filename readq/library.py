"""Compatibility name for `readq.store` (scripts written against readq 0.1 import from here)."""

from readq.store import *  # noqa: F401,F403
from readq.store import __all__  # noqa: F401
