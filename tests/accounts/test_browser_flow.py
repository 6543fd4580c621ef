"""A wearer in a real browser: sign-up, the link from the verification mail, the login form, the
reset link, and pairing the reference watch on /activate; a screenshot of each page (to docs/img
with SCREENSHOTS_DIR=docs/img: this file is how they are made again)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from tests.accounts.browser import PHONE, SCREENSHOTS, chromium
from tests.accounts.conftest import PASSWORD, TOKEN, AccountService
from tests.support.watch import Watch

LINK = re.compile(r"https://watch\.example\.test/\S+")


def mailed_link(accounts: AccountService) -> str:
    """The mail's link, pointed at this test's server instead of PUBLIC_URL's host."""
    (mail,) = accounts.deliver()
    found = LINK.search(mail[2])
    assert found is not None and TOKEN.search(found[0])
    link = urlsplit(found[0])
    return f"{accounts.url}{link.path}?{link.query}"


def test_sign_up_confirm_from_the_mail_log_in_reset(accounts: AccountService) -> None:
    answer = accounts.client.post("/v1/auth/register",
                                  json={"email": "ada@example.com", "password": PASSWORD, "name": "Ada"})
    assert answer.status_code == 202
    link = mailed_link(accounts)
    assert "/verify?token=" in link

    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        page.goto(link)
        page.screenshot(path=SCREENSHOTS / "web-verify.png")
        page.get_by_role("button", name="Confirm my email").click()
        assert page.get_by_role("status").inner_text() == "Your email is confirmed."

        page.get_by_role("link", name="Log in").click()
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        assert "the email or the password is wrong" in page.get_by_role("alert").inner_text()
        page.get_by_label("Password").fill(PASSWORD)
        page.screenshot(path=SCREENSHOTS / "web-login.png")
        page.get_by_role("button", name="Log in").click()
        assert "Logged in as ada@example.com" in page.locator("main").inner_text()
        page.screenshot(path=SCREENSHOTS / "web-account.png")

        page.get_by_role("button", name="Log out").click()
        assert page.url.endswith("/login")
        page.get_by_role("link", name="Forgot your password?").click()
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_role("button", name="Mail me a link").click()
        assert "a link to reset its password is on its way" in page.get_by_role("status").inner_text()

        page.goto(mailed_link(accounts))
        page.get_by_label("New password").fill("a brand new phrase")
        page.screenshot(path=SCREENSHOTS / "web-reset.png")
        page.get_by_role("button", name="Set the new password").click()
        assert "Your password is set" in page.get_by_role("status").inner_text()

    assert accounts.log_in("ada@example.com", "a brand new phrase")


def test_sign_up_in_the_browser_then_approve_the_code_the_reference_watch_shows(
    accounts: AccountService, tmp_path: Path
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE)
        page.goto(f"{accounts.url}/login")
        page.get_by_role("link", name="Create an account").click()
        page.get_by_label("Your name").fill("Ada")
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.screenshot(path=SCREENSHOTS / "web-signup.png")
        page.get_by_role("button", name="Sign up").click()
        assert "A link to confirm your email is on its way" in page.get_by_role("status").inner_text()
        page.goto(mailed_link(accounts))
        page.get_by_role("button", name="Confirm my email").click()
        assert page.get_by_role("status").inner_text() == "Your email is confirmed."

        with Watch(accounts.url, tmp_path / "watch.json") as watch:
            shown = watch.expect(r"^code ([A-Z]{4}-[A-Z]{4})  open (\S+) ", within=20)
            page.goto(shown[2])  # verification_uri_complete, logged out: the login page first
            assert "Log in to pair your watch" in page.get_by_role("status").inner_text()
            page.get_by_label("Email").fill("ada@example.com")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            assert urlsplit(page.url).path == "/activate"
            assert page.get_by_label("The code your watch shows").input_value() == shown[1]
            page.get_by_label("Name this watch (optional)").fill("wrist")
            page.screenshot(path=SCREENSHOTS / "web-activate.png")
            page.get_by_role("button", name="Approve").click()
            said = page.get_by_role("status").inner_text()
            assert f"the watch showing {shown[1]} is paired to your account as “wrist”" in said
            page.screenshot(path=SCREENSHOTS / "web-approved.png")

            watch.expect(r"^paired: key cw_", within=20)
            watch.expect(r"^BTC 97123\.5 -1\.23%  ETH 3456\.79 \+0\.85%", within=20)

        with Watch(accounts.url, tmp_path / "other.json") as stranger:
            shown = stranger.expect(r"^code ([A-Z]{4}-[A-Z]{4})  open (\S+) ", within=20)
            page.goto(shown[2])  # logged in now: straight to the form
            page.get_by_role("button", name="Deny").click()
            assert "gets no key" in page.get_by_role("status").inner_text()
            stranger.expect(r"^pairing denied", within=20)
            assert stranger.process.wait(timeout=10) == 1
