"""Cursors over HTTP: a page's next_cursor leads on; anything else is a 400, never a guess."""

from __future__ import annotations

import pytest

from tests.admin.conftest import AdminService


@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/keys", "/admin/alerts", "/admin/notifications", "/admin/exports"]
)
def test_a_made_up_cursor_is_400_invalid_cursor(service: AdminService, path: str) -> None:
    for cursor in ("garbage", "usr_01m80ww2t75je9pm145wfa", "eF9GQUtFIQ"):
        response = service.admin.get(path, params={"cursor": cursor})
        assert response.status_code == 400, (path, cursor)
        assert response.json()["error"] == "invalid_cursor"


def test_a_next_cursor_leads_to_the_next_page(service: AdminService) -> None:
    made = [service.user(f"u{i}@example.com", f"U{i}")["id"] for i in range(3)]
    first = service.admin.get("/admin/users", params={"limit": 2}).json()
    rest = service.admin.get("/admin/users", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [u["id"] for u in first["items"] + rest["items"]] == made and rest["next_cursor"] is None
    other = service.admin.get("/admin/alerts", params={"cursor": first["next_cursor"]})  # a users cursor
    assert other.status_code == 400 and other.json()["error"] == "invalid_cursor"
