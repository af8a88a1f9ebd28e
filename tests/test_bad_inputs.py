"""Walk the public API with the table of bad inputs in ``bad_inputs.py``.

Every bad value must be refused with a ``ValueError`` or ``TypeError`` (never another exception,
never silently accepted), unless ``bad_inputs.ALLOWED`` says why it is a fine input there.
"""
import collections
import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import bad_inputs  # noqa: E402

CASES = collections.defaultdict(list)
for _case in bad_inputs.cases():
    CASES[_case.entry].append(_case)


@pytest.mark.parametrize("entry", sorted(CASES))
def test_every_bad_input_is_refused_with_value_or_type_error(entry):
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for case in CASES[entry]:
            outcome = bad_inputs.run(case)
            allowed = (case.entry, case.arg, case.kind) in bad_inputs.ALLOWED
            if outcome.startswith("bad") or (outcome == "accepted" and not allowed):
                failures.append(f"{case.arg}={case.kind}: {outcome[:200]}")
    assert not failures, "\n".join(failures)


def test_the_table_is_large_and_mostly_good():
    """The table covers the API (a shrinking table would hide holes), and most messages give a fix."""
    outcomes = collections.Counter(bad_inputs.run(c).split(":")[0] for c in bad_inputs.cases()[:120])
    assert len(CASES) >= 80 and sum(len(v) for v in CASES.values()) >= 850
    assert outcomes["good"] >= 0.9 * sum(outcomes.values())


def test_allowed_entries_name_real_cases():
    keys = {(c.entry, c.arg, c.kind) for cases in CASES.values() for c in cases}
    assert set(bad_inputs.ALLOWED) <= keys
