"""Fixtures of the API tests: the fixture newsroom; Hypothesis's files kept out of the tree."""

from __future__ import annotations

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from dateline.store import Store
from dateline.testing import build_fixture_newsroom


@pytest.fixture(scope="session", autouse=True)
def _hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep Hypothesis's caches (and any example database) out of the checkout."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


@pytest.fixture
def newsroom(store: Store) -> list[int]:
    """The fixture newsroom in the store behind ``client``: its article ids."""
    return build_fixture_newsroom(store)
