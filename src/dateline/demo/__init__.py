"""The demo newsroom: sections and articles written for this project, loaded on request.

Modules:
- ``loader``: load ``sections.yaml`` and ``articles/*.md`` through the normal import and
  publish path, with dates shifted so the newest article is from today.
"""
