"""The newsroom in Chromium against a real ``dateline serve``: sign in, write an article
with a dateline and a credit line, preview it, publish it and read it on the site; a
contributor has no Publish button; a form without its CSRF token is refused; five wrong
passwords lock the sign-in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dateline.model import Role, Section
from dateline.newsroom.accounts import create_user
from dateline.store import open_store
from tests.browser.conftest import Server, site_env

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
EDITOR = "edna@example.org"
CONTRIBUTOR = "rita@example.org"
OPENING = "The harbor commission voted on Monday to reopen the old ferry pier."
CREDIT = "Jane Roe contributed reporting."
BODY = f"PORTLAND, Maine — {OPENING}\n\nThe first boats dock in the spring.\n\n{CREDIT}"


@dataclass
class Site:
    url: str
    database_url: str


@pytest.fixture
def site(browser: Any, database_url: str, tmp_path: Path) -> Iterator[Site]:
    store = open_store(database_url)
    try:
        now = datetime.now(UTC)
        store.save_section(Section("world", "World", 1))
        create_user(store, EDITOR, "Edna Editor", Role.EDITOR, PASSWORD, now)
        create_user(store, CONTRIBUTOR, "Rita Reporter", Role.CONTRIBUTOR, PASSWORD, now)
    finally:
        store.close()
    env = site_env(tmp_path, database_url)
    env.update(DATELINE_WEATHER_PROVIDER="off", DATELINE_INGEST="0")
    server = Server(env, tmp_path)
    try:
        browser.get(server.url + "/newsroom/login")
        browser.delete_all_cookies()  # the browser is shared by the tests; cookies are not
        yield Site(server.url, database_url)
    finally:
        server.stop()


def body_text(browser: Any) -> str:
    return str(browser.find_element("tag name", "body").text)


def submit(browser: Any, find: Callable[[], Any]) -> None:
    """Click what ``find`` finds and wait until the next page has replaced this one.

    The element is found again when the page's script replaced it between finding and
    clicking (the editor's autosave updates the form), which Chromium reports as a node
    that no longer belongs to the document; the same report after the click went through
    (on a slow machine the form's page can be leaving while the click is still reported)
    counts as the click.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element("tag name", "html")

    def left(_driver: Any) -> bool:
        """Whether this page's root is gone; Chromium may say so either way."""
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "belong to the document" in str(exc):
                return True
            raise
        return False

    for attempt in range(3):
        try:
            find().click()
            break
        except StaleElementReferenceException:
            if left(browser):
                break  # the click went through: the next page is replacing this one
            if attempt == 2:
                raise
        except WebDriverException as exc:
            if "belong to the document" not in str(exc):
                raise
            if left(browser):
                break  # the click went through: the next page is replacing this one
            if attempt == 2:
                raise
    WebDriverWait(browser, 20).until(left)
    WebDriverWait(browser, 20).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def sign_in(browser: Any, site: Site, email: str, password: str = PASSWORD) -> None:
    browser.get(site.url + "/newsroom/login")
    browser.find_element("id", "login-email").send_keys(email)
    browser.find_element("id", "login-password").send_keys(password)
    submit(
        browser, lambda: browser.find_element("css selector", "form.nr-form button[type=submit]")
    )


def button(browser: Any, value: str) -> Any:
    return browser.find_element("css selector", f'#editor button[name="action"][value="{value}"]')


def buttons(browser: Any) -> list[str]:
    found = browser.find_elements("css selector", '#editor button[name="action"]')
    return [str(b.get_attribute("value")) for b in found]


def write(browser: Any, site: Site, headline: str) -> None:
    browser.get(site.url + "/newsroom/articles/new")
    browser.find_element("id", "f-headline").send_keys(headline)
    browser.find_element("id", "f-body").send_keys(BODY)


def test_an_editor_writes_previews_publishes_and_reads_it_on_the_site(
    browser: Any, site: Site
) -> None:
    sign_in(browser, site, EDITOR)
    assert "Articles" in body_text(browser) and "Edna Editor" in body_text(browser)
    write(browser, site, "Ferry pier to reopen")

    editor_window = browser.current_window_handle
    button(browser, "preview").click()  # opens in a new tab, the editor stays as it is
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda driver: len(driver.window_handles) == 2)
    [preview_window] = [w for w in browser.window_handles if w != editor_window]
    browser.switch_to.window(preview_window)
    WebDriverWait(browser, 20).until(
        lambda driver: "Ferry pier to reopen" in driver.find_element("tag name", "body").text
    )
    preview = body_text(browser)
    assert "Ferry pier to reopen" in preview
    assert f"PORTLAND, Maine — {OPENING}" in preview
    assert CREDIT in preview
    browser.close()
    browser.switch_to.window(editor_window)

    submit(browser, lambda: button(browser, "publish"))
    assert "Published." in body_text(browser)
    browser.get(site.url + "/")
    submit(browser, lambda: browser.find_element("link text", "Ferry pier to reopen"))
    page = body_text(browser)
    assert "Ferry pier to reopen" in page
    assert f"PORTLAND, Maine — {OPENING}" in page
    assert CREDIT in page
    assert page.index(OPENING) < page.index(CREDIT)
    # the page shows the article as the preview did
    assert [line for line in preview.splitlines() if "PORTLAND" in line] == [
        line for line in page.splitlines() if "PORTLAND" in line
    ]


def test_a_contributor_has_no_publish_button(browser: Any, site: Site) -> None:
    sign_in(browser, site, CONTRIBUTOR)
    write(browser, site, "Rita's harbor draft")
    assert "publish" not in buttons(browser)
    assert "save" in buttons(browser) and "preview" in buttons(browser)
    submit(browser, lambda: button(browser, "save"))
    assert "Saved." in body_text(browser)
    shown = buttons(browser)
    assert "submit" in shown
    assert "publish" not in shown and "schedule" not in shown
    assert not browser.find_elements("css selector", 'button[value="publish"]')


def test_a_form_posted_without_its_csrf_token_is_refused(browser: Any, site: Site) -> None:
    sign_in(browser, site, EDITOR)
    browser.get(site.url + "/newsroom/articles/new")
    # the token goes before any typing: an autosave (every 20 s) on a slow machine would
    # otherwise save the draft with it
    browser.execute_script("document.querySelector('#editor input[name=csrf_token]').remove();")
    browser.find_element("id", "f-headline").send_keys("Should never be saved")
    browser.find_element("id", "f-body").send_keys(BODY)
    submit(browser, lambda: button(browser, "save"))
    text = body_text(browser)
    assert "Not allowed" in text and "security token" in text
    store = open_store(site.database_url)
    try:
        assert store.newsroom_list()[1] == 0
    finally:
        store.close()


def test_five_wrong_passwords_lock_the_sign_in(browser: Any, site: Site) -> None:
    for _ in range(5):
        sign_in(browser, site, EDITOR, "a wrong password")
        assert "Wrong e-mail or password" in body_text(browser)
    sign_in(browser, site, EDITOR, PASSWORD)
    text = body_text(browser)
    assert "try again in" in text
    assert "Sign in to the newsroom" in text
    browser.get(site.url + "/newsroom/")
    assert "Sign in to the newsroom" in body_text(browser)  # still signed out
