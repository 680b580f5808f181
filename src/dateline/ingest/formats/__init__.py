"""File formats dateline imports, one parser each, bytes or text in, ``Article`` values out.

Modules:
- ``ninjs``: IPTC ninjs 1.x, 2.x and 3.x JSON items (one item or a list of them).
- ``markdown``: Markdown with YAML front matter, as docs/markdown-format.md describes.

Each parser raises ``InvalidItem`` naming the file and the field at fault; none of them
touches the store or the settings.
"""
