"""Ingest: outside content in, model articles out.

Modules:
- ``sanitize``: the HTML allowlist every outside fragment passes through.
- ``blocks``: body blocks out of (sanitized) HTML or plain text.
- ``structure``: a body's own dateline and closing credit line, recognised and taken out.
- ``formats``: one parser per file format (IPTC ninjs, Markdown with front matter).
- ``importer``: files in, articles stored (written separately).

Parsing is pure: only ``importer`` touches the store.
"""
