"""A few inputs of the fuzz target (tests/fuzz/fuzz_analyze.py) in CI, so that it keeps running; the long run is in
the README's Safety section."""

from __future__ import annotations

import warnings

from logforensics.catalogue.model import Catalogue
from tests.fuzz.fuzz_analyze import Stats, round_of


def test_fuzz_target_runs(catalogue: Catalogue) -> None:
    stats = Stats()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about generated duplicate member names
        round_of(6, catalogue, stats)
    assert stats.inputs >= 6
