"""Ingest: outside content in, model articles out.

Modules:
- ``sanitize``: the HTML allowlist every outside fragment passes through.
- ``blocks``: body blocks out of (sanitized) HTML or plain text.
- ``structure``: a body's own dateline and closing credit line, recognised and taken out.
- ``formats``: one parser per format (ninjs, Markdown, RSS/Atom, JSON Feed, NewsML), pure.
- ``importer``: files in, articles stored (written separately).
- ``fetch``: the only network code of ingest: one careful, conditional GET.
- ``coding``: content codings (gzip, deflate, br) undone a bounded piece at a time.
- ``pipeline``: polling sources: fetch, parse, deduplicate, store, publish.

Parsing is pure: only ``importer`` and ``pipeline`` touch the store.
"""
