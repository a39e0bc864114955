"""One Rich progress bar across all the generator's phases."""

import contextlib
import time
from collections.abc import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Tracker:
    """Progress in rows written, against an estimate per phase.

    Real counts differ a little from the estimates; at the end of each phase the bar jumps
    to that phase's share of the total, so it never runs past 100 % or stalls below it.
    """

    def __init__(self, *, console: Console | None, estimates: dict[str, int]) -> None:
        self._estimates = estimates
        self._total = max(1, sum(estimates.values()))
        self._done_before = 0
        self._in_phase = 0
        self._phase_estimate = 0
        self._progress = None
        # Seconds each phase took, in the order they ran (the summary prints them).
        self.seconds: dict[str, float] = {}
        if console is not None:
            self._progress = Progress(
                TextColumn("[bold]{task.description:<22}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=console,
                transient=False,
            )
            self._task = self._progress.add_task("Starting", total=self._total)

    def __enter__(self) -> "Tracker":
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=self._total, description="Done")
            self._progress.stop()

    def set_estimate(self, name: str, rows: int) -> None:
        """Replace a phase's estimate once a plan knows its real size (before the phase)."""
        self._estimates[name] = rows
        self._total = max(1, sum(self._estimates.values()))
        if self._progress is not None:
            self._progress.update(self._task, total=self._total)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self._phase_estimate = self._estimates[name]
        self._in_phase = 0
        if self._progress is not None:
            self._progress.update(self._task, description=name)
        started = time.perf_counter()
        yield
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        self._done_before += self._phase_estimate
        self._show(self._done_before)

    def advance(self, rows: int) -> None:
        self._in_phase += rows
        self._show(self._done_before + min(self._in_phase, self._phase_estimate))

    def _show(self, completed: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed)
