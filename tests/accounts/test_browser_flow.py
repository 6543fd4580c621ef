"""A wearer in a real browser: the link from the verification mail, the login form, the reset
link; screenshots of each page go to docs/img."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.accounts.browser import PHONE, SCREENSHOTS, chromium
from tests.accounts.conftest import PASSWORD, TOKEN, AccountService

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
