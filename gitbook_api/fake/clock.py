"""The fake's clock: real time plus an offset that tests move forward.

Tests that need exact timings can ``freeze()`` it: then only ``advance()`` moves it.
"""

import threading
import time


class FakeClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, as the fake sees it."""
        with self._lock:
            real = self._frozen_at if self._frozen_at is not None else time.time()
            return real + self._offset

    def advance(
        self, seconds: float = 0.0, *, minutes: float = 0, hours: float = 0, days: float = 0
    ) -> float:
        total = seconds + minutes * 60 + hours * 3600 + days * 86400
        if total < 0:
            raise ValueError("the fake's clock only moves forward")
        with self._lock:
            self._offset += total
        return self.now()

    def freeze(self) -> None:
        """Stop following real time; only ``advance`` moves the clock from now on."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = time.time()

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._offset -= time.time() - self._frozen_at
                self._frozen_at = None

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset
