"""The weather widget's data: providers, a cache kept in the store, a background refresh.

Modules:
- ``base``: ``Place``, ``Reading``, ``FetchResult``, ``ProviderError`` and the
  ``WeatherProvider`` protocol; ``make_client`` (3 s connect, 5 s read).
- ``http``: the one GET every adapter makes, with its failures classified.
- ``metno``, ``open_meteo`` (with ``Geocoder``), ``nws``: provider adapters over an
  injected ``httpx.AsyncClient``; the only network code in the weather package.
- ``conditions``: one small set of conditions and each provider's codes mapped onto it.
- ``policy``: when to ask again (Expires, Retry-After, exponential backoff with jitter).
- ``refresh``: the background refresh, once across processes through a lease in the store.
- ``cache``: what the widget shows, from the stored observation and its own time. Pages
  only ever read this; they never call a provider.

It imports ``store`` and ``model``.
"""
