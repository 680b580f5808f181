"""Settings: each declared once, with its type, default and help, read from ``DATELINE_*``.

Only the edges (``cli``, ``web.app``) read settings; every other layer receives plain
values as arguments. ``docs/configuration.md`` is generated from ``SETTINGS`` and a test
keeps the two equal.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
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
)


def _convert(setting: Setting, raw: str) -> object:
    if setting.type is Path:
        return Path(raw).expanduser()
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
    default_section: str = "news"
    timezone: str = "UTC"
    weather_city: str = "New York"

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

    @property
    def store_url(self) -> str:
        """The database URL in force: the setting, or SQLite under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'dateline.db').resolve()}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _check_table() -> None:
    declared = {s.name for s in SETTINGS}
    attrs = {f.name for f in fields(Settings)}
    assert declared == attrs, f"SETTINGS and Settings differ: {declared ^ attrs}"


_check_table()
