"""Pair a watch from the Keys screen: type the code the watch shows, name the owner, approve;
the watch's next poll gets a key owned by that user. Usable on an 80x24 terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from companion.screens.pair_form import PairForm
from companion.widgets.field import Field
from companion.widgets.status_line import StatusLine
from shared.keys import hash_key
from tests.companion.conftest import SIZE, Service, settle, settle_for_picture, type_into

pytestmark = pytest.mark.anyio

GRANT = {"grant_type": "urn:ietf:params:oauth:grant-type:device_code"}


def start_pairing(service: Service) -> dict[str, Any]:
    """What a watch does first: ask for a code (no key)."""
    with httpx.Client(base_url=service.url, timeout=10) as watch:
        started = watch.post("/v1/pair", data={"client_id": "venu"})
    assert started.status_code == 200, started.text
    return dict(started.json())


def poll(service: Service, device_code: str) -> httpx.Response:
    with httpx.Client(base_url=service.url, timeout=10) as watch:
        return watch.post("/v1/pair/token", data={**GRANT, "device_code": device_code})


async def fill_pair_form(pilot: Pilot[Any], code: str, email: str, label: str = "") -> PairForm:
    await pilot.press("p")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, PairForm)
    await type_into(pilot, "#field-user_code Input", code)
    await type_into(pilot, "#field-email Input", email)
    if label:
        await type_into(pilot, "#field-label Input", label)
    return form


async def test_approving_the_watchs_code_hands_the_watch_a_key_for_its_owner(service: Service) -> None:
    started = start_pairing(service)
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed = started["user_code"].lower().replace("-", " ")  # read aloud, typed loosely
        await fill_pair_form(pilot, typed, "grace@example.com", "pixel watch 3")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PairForm)
        status = app.screen.query_one(StatusLine).text
        assert f"Approved {started['user_code']} for grace@example.com" in status

    token = poll(service, started["device_code"])
    assert token.status_code == 200, token.text
    key = service.store.find_key_by_hash(hash_key(token.json()["access_token"]))
    assert key is not None and (key.user_id, key.label) == (service.users["grace"].id, "pixel watch 3")


async def test_a_wrong_code_is_shown_under_the_code_and_the_form_stays(service: Service) -> None:
    app = service.app(start="keys")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await fill_pair_form(pilot, "BBBB-BBBB", "ada@example.com")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert "no pairing waits for the code BBBB-BBBB" in form.query_one("#field-user_code", Field).error

        await type_into(pilot, "#field-user_code Input", "AEIOU")
        await pilot.press("enter")
        await settle(pilot)
        assert "the 8 letters the watch shows" in form.query_one("#field-user_code", Field).error
        await type_into(pilot, "#field-user_code Input", start_pairing(service)["user_code"])
        await type_into(pilot, "#field-email Input", "nobody@example.com")
        await pilot.press("enter")
        await settle(pilot)
        assert "No user has the email nobody@example.com" in form.query_one("#field-email", Field).error


async def test_pairing_fits_an_80x24_terminal(service: Service) -> None:
    started = start_pairing(service)
    app = service.app(start="keys")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await fill_pair_form(pilot, started["user_code"], "ada@example.com")
        screen = form.region
        for selector in ("#field-user_code", "#field-email", "#field-label", "#submit", "#cancel"):
            assert screen.contains_region(form.query_one(selector).region), selector
        await pilot.click("#submit")
        await settle(pilot)
        assert f"Approved {started['user_code']}" in app.screen.query_one(StatusLine).text
    assert poll(service, started["device_code"]).status_code == 200


def test_the_pair_form_at_80x24(service: Service, snap_compare: Callable[..., bool]) -> None:
    app = service.app(start="keys")
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda pilot: settle_for_picture(pilot, "p"))
