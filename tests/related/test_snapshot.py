"""The ranking's index kept on disk: read back instead of built, then brought up to date."""

from __future__ import annotations

import logging
import pickle
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dateline.model import Block, BlockKind
from dateline.related import refresh, snapshot
from dateline.related.scoring import RelatedIndex
from dateline.store import Store
from dateline.testing import build_fixture_newsroom
from tests.related.test_scoring import BUDGET, LANDER, corpus, doc

STORE = "sqlite:///site.db"


def test_an_index_read_back_gives_the_same_lists_and_keeps_its_neighbourhoods(
    tmp_path: Path,
) -> None:
    docs = [*corpus(), doc(6, "Lander descends", LANDER + " It touched down."), doc(7, "x", BUDGET)]
    index = RelatedIndex(docs)
    index.settle()
    path = tmp_path / "index.pickle"
    (tmp_path / ".index.pickle.99999.partial").write_bytes(b"a writer killed midway")
    snapshot.save(index, path, STORE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # written aside, then renamed; what a killed writer left is gone too
    assert not list(tmp_path.glob(".*partial"))

    read = snapshot.load(path, STORE)
    assert read is not None
    assert read.ids() == index.ids()
    assert read._neighbours == index._neighbours  # nothing to settle again
    assert all(read.holds(d) for d in docs)
    for doc_id in index.ids():
        assert read.similar(doc_id, 5) == index.similar(doc_id, 5)


def test_a_file_of_another_store_or_other_code_or_damaged_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "index.pickle"
    assert snapshot.load(path, STORE) is None  # none written yet
    snapshot.save(RelatedIndex(corpus()), path, STORE)
    assert snapshot.load(path, "postgresql://elsewhere/news") is None

    whole = path.read_bytes()
    with path.open("wb") as out:  # written by other code: another key first
        pickle.dump("dateline 0.1|another ranking", out)
        out.write(whole)
    assert snapshot.load(path, STORE) is None

    path.write_bytes(whole[: len(whole) // 2])  # cut short
    with caplog.at_level(logging.WARNING, logger="dateline.related"):
        assert snapshot.load(path, STORE) is None
    assert "cannot be read" in caplog.text and str(path) in caplog.text


def test_a_restarted_process_reads_the_kept_index_and_catches_up_with_the_store(
    store: Store,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The related process keeps its index in a file; after a restart it reads it and
    analyses only what was published, changed or unpublished while it was down. The
    lists are then those of an index built afresh."""
    ids = build_fixture_newsroom(store)
    path = tmp_path / "related-index.pickle"
    refresh.forget(store)  # as after a restart, with no file yet: built
    refresh.keep_on_disk(store, path)
    with caplog.at_level(logging.INFO, logger="dateline.related"):
        while refresh.settle_ahead(store):
            pass
    assert "related index: built over" in caplog.text
    assert "related index: written to" in caplog.text  # the first time, at once
    assert path.exists()
    written = path.stat().st_ino
    assert not refresh.settle_ahead(store)
    assert path.stat().st_ino == written  # unchanged since: not written again
    refresh.index_for(store).remove(ids[-1])  # changed, but written minutes ago
    assert not refresh.settle_ahead(store)
    assert path.stat().st_ino == written
    monkeypatch.setattr(refresh, "SAVE_EVERY_SECONDS", 0.0)  # now it is time
    assert not refresh.settle_ahead(store)
    assert path.stat().st_ino != written

    # the process stops; meanwhile another publishes, edits and unpublishes
    refresh.forget(store)
    now = datetime.now(UTC)
    edited, gone = ids[0], ids[1]
    article = store.article(edited)
    assert article is not None
    body = (Block(BlockKind.PARAGRAPH, html="The council approved the school budget."),)
    store.save_articles([replace(article, body=body, version_at=now)])
    store.unpublish(gone)
    new = store.save_articles(
        [replace(article, id=None, uid="test:lander", slug="lander", headline="Lander lands")]
    )[0].article_id
    store.publish([new], now)

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="dateline.related"):
        index = refresh.index_for(store)
    assert "related index: read from" in caplog.text
    # the edited and the new article, and the one taken out of the index above
    assert "3 analysed again, 1 removed" in caplog.text
    assert "built over" not in caplog.text
    fresh = RelatedIndex(refresh.document_for(e) for e in store.published_corpus())
    assert index.ids() == fresh.ids() == sorted(store.published_ids())
    assert gone not in index and new in index
    for doc_id in fresh.ids():
        assert index.similar(doc_id, 5) == fresh.similar(doc_id, 5)
    refresh.forget(store)


def test_without_a_kept_file_the_index_is_built_and_nothing_is_written(
    store: Store, tmp_path: Path
) -> None:
    build_fixture_newsroom(store)
    refresh.forget(store)
    while refresh.settle_ahead(store):
        pass
    assert len(refresh.index_for(store)) == store.count_published()
    assert not list(tmp_path.rglob("*.pickle"))
    assert store not in refresh._kept
    refresh.forget(store)
