"""readq: turn daily research-paper digests into a reading queue."""

__version__ = "0.1.0"

