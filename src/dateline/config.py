"""Settings: each declared once, with its type, default and help, read from ``DATELINE_*``.

Only the edges (``cli``, ``web.app``) read settings; every other layer receives plain
values as arguments. ``docs/configuration.md`` is generated from ``SETTINGS`` and a test
keeps the two equal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateline.model.errors import DatelineError


@dataclass(frozen=True)
class Setting:
    """One setting: the environment variable, its type, default and help text."""

    name: str
    env: str
    type: type
    default: object
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "DATELINE_DATA_DIR",
        Path,
        Path("data"),
        "Folder for the site's files; the default SQLite database lives here.",
    ),
    Setting(
        "database_url",
        "DATELINE_DATABASE_URL",
        str,
        "",
        "SQLAlchemy URL of the store. Empty means SQLite at DATA_DIR/dateline.db; "
        "a postgresql:// URL selects PostgreSQL.",
    ),
    Setting(
        "site_name",
        "DATELINE_SITE_NAME",
        str,
        "The Dateline",
        "The site's name, shown in the header and titles.",
    ),
    Setting(
        "site_url",
        "DATELINE_SITE_URL",
        str,
        "http://127.0.0.1:8000",
        "Public base URL of the site, used for absolute links.",
    ),
    Setting(
        "site_logo_url",
        "DATELINE_SITE_LOGO_URL",
        str,
        "",
        "Absolute URL of the publisher logo named in articles' structured data; "
        "empty: the bundled dateline wordmark.",
    ),
    Setting(
        "feed_content",
        "DATELINE_FEED_CONTENT",
        str,
        "full",
        "What the RSS, Atom and JSON feeds carry: full (the whole body as HTML) or summary.",
    ),
    Setting(
        "default_section",
        "DATELINE_DEFAULT_SECTION",
        str,
        "news",
        "Slug of the section given to imported items that name none; created if missing.",
    ),
    Setting(
        "timezone",
        "DATELINE_TIMEZONE",
        str,
        "UTC",
        "IANA time zone in which pages show dates and times (e.g. America/New_York).",
    ),
    Setting(
        "weather_city",
        "DATELINE_WEATHER_CITY",
        str,
        "New York",
        "The city label of the header's weather widget, and its key in the weather cache.",
    ),
    Setting(
        "weather_provider",
        "DATELINE_WEATHER_PROVIDER",
        str,
        "metno",
        "Weather service: metno (MET Norway, no key), open-meteo, nws (US only), or off.",
    ),
    Setting(
        "weather_fallback",
        "DATELINE_WEATHER_FALLBACK",
        str,
        "",
        "Provider asked after 3 failures in a row or when data is over an hour old; empty: none.",
    ),
    Setting(
        "weather_lat",
        "DATELINE_WEATHER_LAT",
        str,
        "",
        "Latitude of the site's city; empty: use what `dateline weather locate` stored.",
    ),
    Setting(
        "weather_lon",
        "DATELINE_WEATHER_LON",
        str,
        "",
        "Longitude of the site's city; empty: use what `dateline weather locate` stored.",
    ),
    Setting(
        "weather_units",
        "DATELINE_WEATHER_UNITS",
        str,
        "C",
        "Temperature unit shown: C or F (converted from Celsius at display).",
    ),
    Setting(
        "weather_contact",
        "DATELINE_WEATHER_CONTACT",
        str,
        "",
        "Contact (e-mail or URL) sent in the User-Agent; MET Norway and NWS require it.",
    ),
    Setting(
        "weather_noncommercial",
        "DATELINE_WEATHER_NONCOMMERCIAL",
        bool,
        False,
        "Declare the site non-commercial (no ads, no subscriptions): allows Open-Meteo's free API.",
    ),
    Setting(
        "weather_max_cities",
        "DATELINE_WEATHER_MAX_CITIES",
        int,
        20,
        "How many reader-chosen cities the weather cache keeps (least recently chosen out).",
    ),
    Setting(
        "metno_url",
        "DATELINE_METNO_URL",
        str,
        "https://api.met.no",
        "Base URL of MET Norway's API.",
    ),
    Setting(
        "openmeteo_url",
        "DATELINE_OPENMETEO_URL",
        str,
        "https://api.open-meteo.com",
        "Base URL of Open-Meteo's forecast API (https://customer-api.open-meteo.com with a key).",
    ),
    Setting(
        "openmeteo_geocoding_url",
        "DATELINE_OPENMETEO_GEOCODING_URL",
        str,
        "https://geocoding-api.open-meteo.com",
        "Base URL of Open-Meteo's geocoding API, used to find a city's coordinates.",
    ),
    Setting(
        "openmeteo_key",
        "DATELINE_OPENMETEO_KEY",
        str,
        "",
        "API key for Open-Meteo's commercial endpoint; never shown in pages or logs.",
        secret=True,
    ),
    Setting(
        "nws_url",
        "DATELINE_NWS_URL",
        str,
        "https://api.weather.gov",
        "Base URL of the US National Weather Service API.",
    ),
    Setting(
        "ingest",
        "DATELINE_INGEST",
        bool,
        True,
        "Poll ingest sources in the background of dateline serve (1) or not (0).",
    ),
    Setting(
        "ingest_allow_private",
        "DATELINE_INGEST_ALLOW_PRIVATE",
        bool,
        False,
        "Let sources resolve to private, loopback or link-local addresses (off: refused).",
    ),
    Setting(
        "ingest_processes",
        "DATELINE_INGEST_PROCESSES",
        int,
        2,
        "Worker processes that read fetched feeds; two or more also store what they read "
        "(0: read in the polling process).",
    ),
    Setting(
        "ingest_max_bytes",
        "DATELINE_INGEST_MAX_BYTES",
        int,
        10_000_000,
        "Largest response ingest reads, counted after decompression.",
    ),
    Setting(
        "ingest_timeout",
        "DATELINE_INGEST_TIMEOUT",
        int,
        20,
        "Seconds one fetch may take in all, redirects and body included.",
    ),
    Setting(
        "cache_max_age",
        "DATELINE_CACHE_MAX_AGE",
        int,
        60,
        "Seconds shared caches (CDNs) may reuse a public page, feed or API answer unasked.",
    ),
    Setting(
        "cache_stale",
        "DATELINE_CACHE_STALE",
        int,
        600,
        "Seconds past max-age a cache may serve the old copy while it revalidates.",
    ),
    Setting(
        "page_cache",
        "DATELINE_PAGE_CACHE",
        bool,
        True,
        "Keep rendered public pages in memory, purged when what they show changes.",
    ),
    Setting(
        "page_files",
        "DATELINE_PAGE_FILES",
        str,
        "",
        "A folder where each server process also writes the pages it keeps, for nginx to "
        "send without asking dateline (dateline nginx-config); empty: off.",
    ),
    Setting(
        "related_index_file",
        "DATELINE_RELATED_INDEX_FILE",
        bool,
        True,
        "Keep the related ranking's index in DATA_DIR/related-index.pickle between runs, "
        "so that a restarted related process reads it instead of building it.",
    ),
    Setting(
        "page_cache_mb",
        "DATELINE_PAGE_CACHE_MB",
        int,
        64,
        "Most memory (MB) the page cache of one server process may hold.",
    ),
)

PROVIDERS = ("metno", "open-meteo", "nws")


def _convert(setting: Setting, raw: str) -> object:
    if setting.type is Path:
        return Path(raw).expanduser()
    if setting.type is bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise DatelineError(f"{setting.env} must be 1 or 0 (true or false), not {raw!r}")
    if setting.type is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise DatelineError(f"{setting.env} must be a whole number, not {raw!r}") from exc
    return raw


@dataclass(frozen=True)
class Settings:
    """The values in force; build with ``Settings.from_env()`` or directly in tests."""

    data_dir: Path = Path("data")
    database_url: str = ""
    site_name: str = "The Dateline"
    site_url: str = "http://127.0.0.1:8000"
    site_logo_url: str = ""
    feed_content: str = "full"
    default_section: str = "news"
    timezone: str = "UTC"
    weather_city: str = "New York"
    weather_provider: str = "metno"
    weather_fallback: str = ""
    weather_lat: str = ""
    weather_lon: str = ""
    weather_units: str = "C"
    weather_contact: str = ""
    weather_noncommercial: bool = False
    weather_max_cities: int = 20
    metno_url: str = "https://api.met.no"
    openmeteo_url: str = "https://api.open-meteo.com"
    openmeteo_geocoding_url: str = "https://geocoding-api.open-meteo.com"
    openmeteo_key: str = field(default="", repr=False)
    nws_url: str = "https://api.weather.gov"
    ingest: bool = True
    ingest_allow_private: bool = False
    ingest_processes: int = 2
    ingest_max_bytes: int = 10_000_000
    ingest_timeout: int = 20
    cache_max_age: int = 60
    cache_stale: int = 600
    page_cache: bool = True
    page_files: str = ""
    related_index_file: bool = True
    page_cache_mb: int = 64

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every declared setting from ``environ`` (the process environment)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in SETTINGS:
            raw = env.get(setting.env)
            if raw is not None and raw != "":
                values[setting.name] = _convert(setting, raw)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse values that cannot work, naming the variable."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise DatelineError(f"DATELINE_TIMEZONE: unknown time zone {self.timezone!r}") from exc
        if not self.site_url.startswith(("http://", "https://")):
            raise DatelineError("DATELINE_SITE_URL must start with http:// or https://")
        if self.site_logo_url and not self.site_logo_url.startswith(("http://", "https://")):
            raise DatelineError("DATELINE_SITE_LOGO_URL must be empty or start with http(s)://")
        if self.feed_content not in ("full", "summary"):
            raise DatelineError(
                f"DATELINE_FEED_CONTENT must be full or summary, not {self.feed_content!r}"
            )
        if self.weather_provider not in (*PROVIDERS, "off"):
            raise DatelineError(
                f"DATELINE_WEATHER_PROVIDER must be one of {', '.join(PROVIDERS)} or off, "
                f"not {self.weather_provider!r}"
            )
        if self.weather_fallback not in ("", *PROVIDERS):
            raise DatelineError(
                f"DATELINE_WEATHER_FALLBACK must be empty or one of {', '.join(PROVIDERS)}"
            )
        if self.weather_units not in ("C", "F"):
            raise DatelineError("DATELINE_WEATHER_UNITS must be C or F")
        for name, value, limit in (
            ("DATELINE_WEATHER_LAT", self.weather_lat, 90.0),
            ("DATELINE_WEATHER_LON", self.weather_lon, 180.0),
        ):
            if value:
                try:
                    number = float(value)
                except ValueError:
                    raise DatelineError(f"{name} must be a number, not {value!r}") from None
                if not -limit <= number <= limit:
                    raise DatelineError(f"{name} must be between -{limit:g} and {limit:g}")
        if (self.weather_lat == "") != (self.weather_lon == ""):
            raise DatelineError(
                "set both DATELINE_WEATHER_LAT and DATELINE_WEATHER_LON, or neither"
            )
        if self.ingest_max_bytes < 1000:
            raise DatelineError("DATELINE_INGEST_MAX_BYTES must be at least 1000")
        if self.ingest_timeout < 1:
            raise DatelineError("DATELINE_INGEST_TIMEOUT must be at least 1 (second)")
        if not 0 <= self.ingest_processes <= 64:
            raise DatelineError("DATELINE_INGEST_PROCESSES must be between 0 and 64")
        if self.page_files and not self.page_cache:
            raise DatelineError(
                "DATELINE_PAGE_FILES needs the page cache: unset DATELINE_PAGE_CACHE=0"
            )
        if self.page_cache_mb < 1:
            raise DatelineError("DATELINE_PAGE_CACHE_MB must be 1 or more (megabytes)")
        if self.cache_max_age < 0:
            raise DatelineError("DATELINE_CACHE_MAX_AGE must be 0 or more (seconds)")
        if self.cache_stale < 0:
            raise DatelineError("DATELINE_CACHE_STALE must be 0 or more (seconds)")

    @property
    def store_url(self) -> str:
        """The database URL in force: the setting, or SQLite under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dateline.db').resolve()}"

    @property
    def related_index_path(self) -> Path | None:
        """Where the related process keeps the ranking's index, or None (not kept)."""
        return self.data_dir / "related-index.pickle" if self.related_index_file else None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _check_table() -> None:
    declared = {s.name for s in SETTINGS}
    attrs = {f.name for f in fields(Settings)}
    assert declared == attrs, f"SETTINGS and Settings differ: {declared ^ attrs}"


_check_table()
