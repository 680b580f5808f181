"""What a feed reader process sends back pickles as its field values and comes back equal."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import pytest

from dateline.ingest.reader import read_feed
from dateline.model import Article, Block, BlockKind
from dateline.model.pickling import by_fields
from tests.ingest.feeds import three_services

URL = "https://wire-a.example/feed.xml"


def test_a_read_feed_comes_back_equal_and_rebuilt_from_its_fields() -> None:
    read = read_feed(three_services()["/wire-a.xml"], URL, "application/rss+xml", "news")
    back = pickle.loads(pickle.dumps(read, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == read
    [item] = back.parsed.items
    assert isinstance(item.article, Article) and item.article.body
    assert back.texts == (item.article.plain_text,)
    block = Block(BlockKind.LIST, items=("one", "two"), ordered=True)
    assert block.__reduce__() == (
        Block,
        (BlockKind.LIST, "", ("one", "two"), 2, True, "", "", "", ""),
    )


def test_by_fields_refuses_a_class_whose_post_init_would_run_again() -> None:
    @dataclass(frozen=True)
    class Checked:
        a: int
        b: int

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError):
        by_fields(Checked)
