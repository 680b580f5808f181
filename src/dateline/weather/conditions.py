"""One small set of weather conditions, and how each provider's codes map onto it.

A condition is a key (``clear``, ``partly-cloudy``, ... ``thunder``) with a human label
and a one-character symbol. Each ``from_*`` function turns a provider's own code into a
key, or into ``""`` when the code is unknown: the widget then shows no condition rather
than a wrong one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LABELS: dict[str, str] = {
    "clear": "Clear",
    "partly-cloudy": "Partly cloudy",
    "cloudy": "Cloudy",
    "fog": "Fog",
    "drizzle": "Drizzle",
    "rain": "Rain",
    "snow": "Snow",
    "sleet": "Sleet",
    "showers": "Showers",
    "thunder": "Thunderstorms",
}

SYMBOLS: dict[str, str] = {
    "clear": "\u2600",  # black sun with rays
    "partly-cloudy": "\u26c5",  # sun behind cloud
    "cloudy": "\u2601",  # cloud
    "fog": "\U0001f32b",  # fog
    "drizzle": "\U0001f4a7",  # droplet
    "rain": "\U0001f327",  # cloud with rain
    "snow": "\u2744",  # snowflake
    "sleet": "\U0001f328",  # cloud with snow
    "showers": "\U0001f326",  # sun behind rain cloud
    "thunder": "\u26c8",  # thunder cloud and rain
}


def from_wmo(code: int) -> str:
    """The condition for a WMO 4677 weather code as Open-Meteo uses them."""
    if isinstance(code, bool) or not isinstance(code, int):
        return ""
    if code in (0, 1):
        return "clear"
    if code == 2:
        return "partly-cloudy"
    if code == 3:
        return "cloudy"
    if code in (45, 48):
        return "fog"
    if 51 <= code <= 57:
        return "drizzle"
    if code in (66, 67):
        return "sleet"  # freezing rain
    if 61 <= code <= 67:
        return "rain"
    if 71 <= code <= 77 or code in (85, 86):
        return "snow"
    if 80 <= code <= 82:
        return "showers"
    if 95 <= code <= 99:
        return "thunder"
    return ""


# MET Norway symbol codes without their intensity prefix and _day/_night suffix.
_METNO: dict[str, str] = {
    "clearsky": "clear",
    "fair": "clear",
    "partlycloudy": "partly-cloudy",
    "cloudy": "cloudy",
    "fog": "fog",
    "rain": "rain",
    "rainshowers": "showers",
    "sleet": "sleet",
    "sleetshowers": "sleet",
    "snow": "snow",
    "snowshowers": "snow",
}
_METNO_SUFFIXES = ("_day", "_night", "_polartwilight")
# "lights" covers MET's own misspelt codes (``lightssleetshowersandthunder``).
_METNO_INTENSITIES = ("lights", "light", "heavy")


def from_metno(symbol_code: str) -> str:
    """The condition for a MET Norway symbol code such as ``lightrainshowers_night``."""
    code = symbol_code.strip().lower()
    for suffix in _METNO_SUFFIXES:
        code = code.removesuffix(suffix)
    if "thunder" in code:
        return "thunder"
    for intensity in _METNO_INTENSITIES:
        if code.startswith(intensity) and code[len(intensity) :] in _METNO:
            return _METNO[code[len(intensity) :]]
    return _METNO.get(code, "")


# NWS icon names: the api.weather.gov set plus the older forecast.weather.gov names.
_NWS_ICONS: dict[str, str] = {
    "skc": "clear",
    "few": "clear",
    "wind_skc": "clear",
    "wind_few": "clear",
    "sct": "partly-cloudy",
    "wind_sct": "partly-cloudy",
    "bkn": "cloudy",
    "ovc": "cloudy",
    "wind_bkn": "cloudy",
    "wind_ovc": "cloudy",
    "fog": "fog",
    "fg": "fog",
    "rain": "rain",
    "ra": "rain",
    "rain_showers": "showers",
    "rain_showers_hi": "showers",
    "shra": "showers",
    "hi_shwrs": "showers",
    "tsra": "thunder",
    "tsra_sct": "thunder",
    "tsra_hi": "thunder",
    "scttsra": "thunder",
    "hi_tsra": "thunder",
    "snow": "snow",
    "sn": "snow",
    "blizzard": "snow",
    "sleet": "sleet",
    "ip": "sleet",
    "rain_sleet": "sleet",
    "snow_sleet": "sleet",
    "rain_snow": "sleet",
    "rasn": "sleet",
    "raip": "sleet",
    "mix": "sleet",
    "fzra": "sleet",
    "rain_fzra": "sleet",
    "snow_fzra": "sleet",
}

# Words of an NWS ``textDescription``, most specific first: precipitation beats sky.
_NWS_WORDS: tuple[tuple[str, str], ...] = (
    ("thunder", "thunder"),
    ("freezing", "sleet"),
    ("sleet", "sleet"),
    ("ice pellets", "sleet"),
    ("snow", "snow"),
    ("showers", "showers"),
    ("drizzle", "drizzle"),
    ("rain", "rain"),
    ("fog", "fog"),
    ("mist", "fog"),
    ("mostly cloudy", "cloudy"),
    ("partly", "partly-cloudy"),
    ("overcast", "cloudy"),
    ("cloudy", "cloudy"),
    ("few clouds", "clear"),
    ("clear", "clear"),
    ("sunny", "clear"),
    ("fair", "clear"),
)


def _nws_icon_name(url: str) -> str:
    """The first icon name of an NWS icon URL or path, without probability or extension."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    name = segments[-1] if segments else ""
    for time_of_day in ("day", "night"):
        if time_of_day in segments:
            following = segments[segments.index(time_of_day) + 1 :]
            name = following[0] if following else ""
            break
    return name.split(",")[0].rsplit(".", 1)[0].lower()


def from_nws(icon_url_or_text: str) -> str:
    """The condition for an NWS icon URL (``/icons/land/night/bkn``) or ``textDescription``."""
    value = icon_url_or_text.strip()
    if value.startswith(("http://", "https://", "/")):
        name = _nws_icon_name(value)
        if name in _NWS_ICONS:
            return _NWS_ICONS[name]
        # Older icon names mark night with a leading "n": nbkn, nskc, nra...
        if name.startswith("n") and name[1:] in _NWS_ICONS:
            return _NWS_ICONS[name[1:]]
        return ""
    text = value.lower()
    for word, condition in _NWS_WORDS:
        if word in text:
            return condition
    return ""
