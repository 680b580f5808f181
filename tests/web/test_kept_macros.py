"""``kept``: a macro's markup kept per process, keyed on its arguments, never stale.

The weather widget is rendered through it: a new observation, the widget's "as of" age,
another city or no value at all must each show at once, as the macro renders them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from jinja2 import DictLoader, Environment
from markupsafe import Markup
from starlette.testclient import TestClient

from dateline.model import Observation
from dateline.store import Store
from dateline.weather.cache import WeatherDisplay, display
from dateline.web.templating import kept, make_environment

NOW = datetime(2026, 7, 1, 12, tzinfo=UTC)
WIDGET = re.compile(r'<div class="weather".*?</div>\n', re.DOTALL)


def test_equal_arguments_reuse_the_markup_and_other_arguments_render_anew() -> None:
    calls: list[str] = []

    def count(name: str) -> str:
        calls.append(name)
        return ""

    env = Environment(
        loader=DictLoader(
            {
                "m.html": "{% macro hello(name) %}{{ count(name) }}<b>{{ name }}</b>{% endmacro %}",
                "page.html": '{% from "m.html" import hello %}{{ kept(hello, who) }}',
            }
        ),
        autoescape=True,
    )
    env.globals.update(kept=kept, count=count)
    page = env.get_template("page.html")
    assert page.render(who="Ann") == "<b>Ann</b>"
    assert page.render(who="Ann") == "<b>Ann</b>"
    assert calls == ["Ann"]
    assert page.render(who="<Bo>") == "<b>&lt;Bo&gt;</b>"
    assert calls == ["Ann", "<Bo>"]
    assert isinstance(kept(env.get_template("m.html").module.hello, "Cy"), Markup)  # type: ignore[attr-defined]


def test_partials_is_the_module_an_import_gives() -> None:
    """``partials`` is loaded once per environment, and it is what a template's
    ``{% from "_partials.html" import ... %}`` finds: the same macros."""
    env = make_environment(UTC)
    page = env.from_string(
        '{% from "_partials.html" import weather_widget %}'
        "{{ weather_widget is sameas partials.weather_widget }}"
    )
    assert page.render() == "True"
    weather = WeatherDisplay("18.5 C", "Oslo", "clear", "Clear", "", "", "", "metno", NOW)
    assert str(kept(env.globals["partials"].weather_widget, weather)).startswith(  # type: ignore[attr-defined]
        '<div class="weather" role="group" aria-label="Current weather">'
    )


def observe(store: Store, celsius: float, condition: str, age: timedelta) -> Observation:
    when = datetime.now(UTC) - age
    observation = Observation(
        "Oslo", "Oslo", celsius, when, when, "metno", condition, "Weather data: MET Norway"
    )
    store.save_observation(observation)
    return observation


def widget_of(html: str) -> str:
    found = WIDGET.search(html)
    return found.group() if found else ""


def test_the_widget_follows_each_new_weather_state(client: TestClient, store: Store) -> None:
    """Each state shows at once, as the uncached macro renders it, and a state seen
    before shows as it did."""
    env = make_environment(UTC)
    macro = env.get_template("_partials.html").module.weather_widget  # type: ignore[attr-defined]
    assert macro is env.globals["partials"].weather_widget  # type: ignore[attr-defined]
    states = [
        (-3.25, "sleet", timedelta(minutes=5)),
        (18.5, "clear", timedelta(minutes=5)),
        (18.5, "clear", timedelta(minutes=90)),  # same value, now "as of"
        (18.5, "thunder", timedelta(minutes=95)),
        (-3.25, "sleet", timedelta(minutes=5)),  # back to the first state
    ]
    for celsius, condition, age in states:
        observation = observe(store, celsius, condition, age)
        client.cookies.set("dateline_city", "Oslo")
        shown = widget_of(client.get("/").text)
        expected = display(observation, datetime.now(UTC), client.app.state.site.settings.tz)
        assert isinstance(expected, WeatherDisplay)
        assert shown == str(macro(expected)).lstrip("\n")
        assert f"{celsius:.1f} C" in shown
        assert ("as of" in shown) is (age > timedelta(hours=1))
    observe(store, 1.0, "rain", timedelta(hours=4))  # too old to show, and the site's
    assert widget_of(client.get("/").text) == ""  # city has no value: no widget
