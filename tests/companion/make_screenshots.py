"""Regenerate the companion's screenshots in docs/img (Textual's own SVG export), from the
same seeded server and frozen clock as the snapshot tests:

    .venv/bin/python -m tests.companion.make_screenshots
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from shared.store.sqlite import SQLiteStore
from tests.companion.conftest import SIZE, Service, seeded_service, settle_for_picture, type_into
from tests.conftest import settings_for

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


async def shoot(service: Service, name: str, start: str, *keys: str, email: str = "") -> None:
    app = service.app(start=start)
    async with app.run_test(size=SIZE) as pilot:
        await settle_for_picture(pilot, *keys)
        if email:  # the new-key form: fill the owner, then create
            await type_into(pilot, "#field-email Input", email)
            await type_into(pilot, "#field-label Input", "venu 3")
            await settle_for_picture(pilot, "enter")
        path = app.save_screenshot(f"{name}.svg", str(DOCS_IMG))
    print(f"wrote {path}")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for(Path(folder))
        store = SQLiteStore(settings.sqlite_path)
        store.init()
        with seeded_service(settings, store) as service:
            await shoot(service, "companion-prices", "prices")
            await shoot(service, "companion-keys", "keys")
            await shoot(service, "companion-alerts", "alerts", "down")
            await shoot(service, "companion-new-key", "keys", "n", email="ada@example.com")


if __name__ == "__main__":
    asyncio.run(main())
