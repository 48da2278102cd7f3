"""Every rule ships hit and miss examples; this runs them all, through the full pipeline for causes."""

from __future__ import annotations

import pytest

from logforensics.api import load_default_catalogue
from logforensics.catalogue.selftest import check_signal, run_cause_test

CATALOGUE = load_default_catalogue()


@pytest.mark.parametrize("signal_id", sorted(CATALOGUE.signals))
def test_signal_examples(signal_id: str) -> None:
    signal = CATALOGUE.signals[signal_id]
    if signal.regex:
        assert signal.samples and signal.misses, f"{signal.path}: needs samples and misses"
    failed = [o for o in check_signal(signal) if not o.passed]
    assert not failed, "\n".join(f"{o.case}: {o.detail}" for o in failed)


CASES = [(cause_id, t.name) for cause_id, cause in sorted(CATALOGUE.causes.items()) for t in cause.tests]


@pytest.mark.parametrize(("cause_id", "test_name"), CASES)
def test_cause_examples(cause_id: str, test_name: str) -> None:
    cause = CATALOGUE.causes[cause_id]
    test = next(t for t in cause.tests if t.name == test_name)
    outcome = run_cause_test(CATALOGUE, cause, test)
    assert outcome.passed, f"{cause.path}: {test_name}: {outcome.detail}"


@pytest.mark.parametrize("cause_id", sorted(CATALOGUE.causes))
def test_every_cause_has_a_hit_a_miss_remediation_and_references(cause_id: str) -> None:
    cause = CATALOGUE.causes[cause_id]
    assert {"hit", "miss"} <= {t.expect for t in cause.tests}
    assert any(r.config for r in cause.remediation), "remediation must name config keys"
    assert cause.references
