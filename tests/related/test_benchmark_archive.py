"""The benchmarks' synthetic archive leaves no related-list work behind.

``generate_archive`` publishes in bulk (which queues every article's related update) and
then writes every list itself. A queue left full would make the related-list process of
a server started on the archive rank the whole archive again while a benchmark measures
it (at 100k articles, a core for minutes).
"""

from __future__ import annotations

import pytest
from benchmarks.archive import generate_archive

from dateline.store import Store


@pytest.mark.parametrize("rank", [True, False])
def test_the_archive_leaves_the_related_queue_empty(store: Store, rank: bool) -> None:
    ids = generate_archive(store, 60, seed=5, rank=rank)
    assert len(ids) == 60
    assert store.queued_related() == []
    assert any(store.related_links(article_id) for article_id in ids)
