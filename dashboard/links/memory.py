"""One glibc malloc arena per two threads, for processes whose threads read pages of links.

glibc gives threads arenas of their own (up to eight per core), and an arena
keeps the memory it once held. A scan's threads each parse a page of links at
a time (tens of megabytes while decoded), so a worker would grow with the
number of threads rather than with what they hold at once. Two arenas share
freed memory between threads, and with the GIL they cost no contention.

This must run before the process starts threads (glibc settles the number of
arenas when a second thread first allocates), so the app calls it when Django
starts. ``MALLOC_ARENA_MAX`` in the environment does the same, and wins.
"""

import ctypes
import os

# glibc's mallopt() option for the most arenas (malloc.h).
M_ARENA_MAX = -8
ARENAS = 2


def limit_malloc_arenas() -> bool:
    """True if glibc took the limit; elsewhere (musl, macOS) nothing happens."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        # The process's own symbols, libc's among them.
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return mallopt(M_ARENA_MAX, ARENAS) == 1
