"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).

Items carry their stable ``tag:`` id as a string, the absolute URL, RFC 3339 dates,
``authors``, the section and topic names as ``tags``, the summary, and either the body
as ``content_html`` (full mode) or the summary as ``content_text`` (summary mode); the
lead image is ``image`` and, when its media type is known, an attachment.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dateline.feeds.channel import Channel
from dateline.feeds.entry import Entry, rfc3339

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json; charset=utf-8"


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry.id, "url": entry.url, "title": entry.title}
    if entry.external_url:
        item["external_url"] = entry.external_url
    if entry.content_html:
        item["content_html"] = entry.content_html
    else:
        item["content_text"] = entry.summary or entry.title
    if entry.summary:
        item["summary"] = entry.summary
    if entry.image is not None:
        item["image"] = entry.image.url
        if entry.image.media_type:
            item["attachments"] = [{"url": entry.image.url, "mime_type": entry.image.media_type}]
    item["date_published"] = rfc3339(entry.published)
    item["date_modified"] = rfc3339(entry.updated)
    if entry.authors:
        item["authors"] = [{"name": p.name, "url": p.url} for p in entry.authors]
    item["tags"] = [c.label for c in entry.categories]
    item["language"] = entry.language
    return item


def render(channel: Channel, entries: Sequence[Entry]) -> bytes:
    """The JSON Feed document of ``entries`` (newest first), UTF-8 encoded."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.urls.json,
        "description": channel.description,
        "language": channel.language,
        "authors": [{"name": channel.site_name, "url": channel.site_url.rstrip("/") + "/"}],
        "items": [_item(e) for e in entries],
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8")
