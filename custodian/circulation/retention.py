"""Moved: the retention schedule and `custodian purge` live in `custodian.retention`
(schedule.py, services.py). These names stay importable from here for older callers."""

from custodian.retention.schedule import periods
from custodian.retention.services import CATEGORY_NAMES, UnknownCategory, purge

__all__ = ["CATEGORY_NAMES", "UnknownCategory", "periods", "purge"]
