"""The callback long steps report progress to: what is starting, how many are done, how many in all."""

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
