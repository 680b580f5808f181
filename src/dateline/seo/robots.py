"""``/robots.txt``: every crawler may read the public site, not the newsroom or the API.

The ``Sitemap:`` lines carry absolute URLs, as the robots exclusion standard (RFC 9309)
and the sitemaps protocol ask.
"""

from __future__ import annotations

from collections.abc import Sequence

DISALLOWED = ("/newsroom/", "/api/")
SITEMAPS = ("/sitemap.xml", "/news-sitemap.xml")


def robots_txt(
    site_url: str, disallowed: Sequence[str] = DISALLOWED, sitemaps: Sequence[str] = SITEMAPS
) -> str:
    """The text of ``/robots.txt`` for the site at ``site_url``."""
    base = site_url.rstrip("/")
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), "Allow: /", ""]
    lines.extend(f"Sitemap: {base}{path}" for path in sitemaps)
    return "\n".join(lines) + "\n"
