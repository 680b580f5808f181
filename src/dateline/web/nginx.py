"""The nginx configuration that sends dateline's page files (``web.pagefiles``).

``dateline nginx-config`` prints it: text for nginx's ``http`` block (a file in
``/etc/nginx/conf.d/``). A GET or HEAD with no query string, no ``dateline_city``
cookie and no ``Authorization`` is answered from ``DATELINE_PAGE_FILES`` when the page
is there, in the bucket of the current hundred seconds; everything else, and every
page not on disk, goes on to dateline, which renders or answers from memory and writes
the page for the next reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dateline.web.pagefiles import BUCKET_SECONDS, TYPES

assert BUCKET_SECONDS == 100, "the map below drops two digits of the Unix time"


def nginx_config(
    root: Path, cache_control: str, listen: str, upstreams: Sequence[str], brotli: bool = False
) -> str:
    """The ``http``-block text; ``upstreams``: where ``dateline serve`` listens
    (``host:port``; several ``dateline serve`` on this machine share its page files).

    With ``brotli``, readers whose browsers take brotli get the ``.br`` files (needs
    Debian's ``libnginx-mod-http-brotli-static``); else they get gzip.
    """
    tries = " ".join(f"/$dateline_files$uri@.{suffix}" for suffix in TYPES)
    types = "\n".join(f'            "{kind}" {suffix};' for suffix, kind in TYPES.items())
    servers = "\n".join(f"    server {upstream};" for upstream in upstreams)
    brotli_line = "        brotli_static on;\n" if brotli else ""
    return f"""# dateline's page files, written by `dateline nginx-config`; see docs/caching.md.
# DATELINE_PAGE_FILES={root}

# the bucket of the current hundred seconds: the Unix time less its last two digits
map $msec $dateline_bucket {{
    "~^(?<bucket>[0-9]+)[0-9][0-9][.]" $bucket;
}}
# pages from disk only for a plain GET or HEAD: no query string (tracking parameters
# included), no weather city of the reader's own, no credentials
map "$request_method:$args:$cookie_dateline_city:$http_authorization" $dateline_files {{
    "GET:::" $dateline_bucket;
    "HEAD:::" $dateline_bucket;
    default "none";
}}
map $sent_http_content_type $dateline_vary {{
    "~^text/html" "Accept-Encoding, Cookie";
    default "Accept-Encoding";
}}

upstream dateline {{
{servers}
    keepalive 64;
}}

server {{
    listen {listen};
    root {root};

    location / {{
        try_files {tries} @dateline;
        # a page removed between the look and the read goes to dateline too
        error_page 404 = @dateline;
        types {{
{types}
        }}
        etag on;
        gzip_static on;
{brotli_line}        add_header Cache-Control "{cache_control}";
        add_header Vary $dateline_vary;
        add_header X-Cache "file";
    }}

    location @dateline {{
        proxy_pass http://dateline;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }}
}}
"""
