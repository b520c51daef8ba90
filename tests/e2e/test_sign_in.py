"""The page a browser that is not signed in sees: one clean sign-in page, on any screen."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, ContextFactory
from tests.harness import TOKEN, Server


@pytest.mark.parametrize(("viewport", "scheme"), [("desktop", "dark"), ("phone", "light")])
def test_without_login_one_clean_sign_in_page(
    new_context: ContextFactory, server: Server, viewport: str, scheme: str
) -> None:
    """Without the cookie: what to do and the command that prints the URL, and no dashboard."""
    size = DESKTOP if viewport == "desktop" else PHONE
    page = new_context(viewport=size, color_scheme=scheme).new_page()
    page.goto(server.base_url + "/")
    sign_in = page.get_by_test_id("sign-in")
    expect(sign_in.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(sign_in).to_contain_text("not signed in")
    expect(sign_in.locator("pre.command")).to_have_text("agent-console url")
    expect(page).to_have_title("Sign in · Agent Console")
    for leftover in ("Loading sessions", "0 sessions", "Add repository", "Could not"):
        expect(page.get_by_text(leftover)).to_have_count(0)
    expect(page.locator(".banner, .form-error")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_signing_in_elsewhere_lets_the_page_in(new_context: ContextFactory, server: Server) -> None:
    """After the token URL is opened in another tab, "try again" brings this one to the dashboard."""
    context = new_context()
    page = context.new_page()
    page.goto(server.base_url + "/")
    expect(page.get_by_test_id("sign-in")).to_be_visible()
    context.new_page().goto(f"{server.base_url}/?token={TOKEN}")
    try_again = page.get_by_role("button", name="try again")
    with contextlib.suppress(PlaywrightError):  # its own retry may have let it in already
        try_again.click(timeout=5_000)
    expect(page.get_by_role("heading", name="Sessions", exact=True)).to_be_visible()
    expect(page.get_by_test_id("sign-in")).to_have_count(0)
