"""An exact memo of Cedar's answers, keyed on exactly what the engine hands to Cedar.

Cedar is a pure function of its input (policies, entities, questions): the same input
always gives the same answers. So the engine remembers, for each input it has sent, the
answers cedarpy gave (the determining policy ids, not a decision), and distinct requests
that put the same facts to Cedar share them: requests about patrons of different ages in
the same age band, requests differing only in what no rule of the requester's kind reads
(an instrument's scope when no rule reads it, an authorisation scope, evidence nobody
tests, and so on). The key is built in `Engine._ask_compiled`:

- the compiled rules of the profile and requester kind (their `Facts` object, which holds
  the policy sets Cedar is asked with; compared by identity, so two profiles, or a profile
  before and after a reload, never share an entry),
- the entities exactly as the JSON text cedarpy parses (the principal's facts and any
  attributes still read, one entity per class of requested field), and
- the fields Cedar is asked about, in order (the questions' resources).

None of these holds anything personal: the contract request carries no name, card number
or patron ref, and the entities carry only facts about the request (kind, channel,
evidence, age band, instrument class, review ...), as `tests/policy/test_memo.py` checks.

The memo is a bounded LRU shared by every thread using the engine (the web server decides
on several), emptied when a profile is (re)loaded, and switched off with size 0.

Beside it the engine keeps a second one of the same size (`Engine.decisions`): whole
decisions, keyed on the same facts and text plus the few parts of the request the rest of
a decision reads (`engine._decision_key`: the fields asked, the channel, the evidence,
whether the requester is financially responsible, and a guardian's patron's age for the
sentence). A situation seen before is then neither asked nor assembled again, and
`custodian decide --jsonl` keeps its encoded text too. Callers get copies; the same tests
hold it against a cold engine (`tests/policy/test_decision_memo.py`).
"""

import os
import threading
from collections import OrderedDict

from custodian.policy.errors import ProfileError

MEMO_SIZE_ENV = "CUSTODIAN_DECISION_MEMO_SIZE"
DEFAULT_MEMO_SIZE = 16384


def memo_size_from_env() -> int:
    """The memo size a library set in CUSTODIAN_DECISION_MEMO_SIZE (0: off), or the default."""
    raw = os.environ.get(MEMO_SIZE_ENV, "").strip()
    if not raw:
        return DEFAULT_MEMO_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = -1
    if size < 0:
        raise ProfileError(f"{MEMO_SIZE_ENV} must be a whole number, 0 or more (0: no memo)")
    return size


class Memo:
    """A thread-safe LRU of at most `size` entries; size 0 remembers nothing."""

    def __init__(self, size: int):
        if size < 0:
            raise ValueError("memo size must be 0 or more")
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        """The remembered answers for `key`, or None."""
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key, answers) -> None:
        if not self.size:
            return
        with self._lock:
            self._data[key] = answers
            self._data.move_to_end(key)
            if len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def keys(self) -> list:
        """The keys held, oldest first (for tests and inspection)."""
        with self._lock:
            return list(self._data)

    def __len__(self) -> int:
        return len(self._data)
