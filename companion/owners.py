"""Owners' emails for rows that only carry a `user_id` (keys, alerts), fetched once per user
and remembered: a person recognises ada@example.com, not usr_01j…"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from companion.client import CompanionClient
from companion.errors import Missing


class Owners:
    def __init__(self, client: CompanionClient) -> None:
        self.client = client
        self._emails: dict[str, str] = {}

    async def learn(self, user_ids: Iterable[str | None]) -> None:
        """Look up the users not seen yet; a deleted user is remembered as such. The emails
        found are kept even when other lookups fail (a 429 halfway through a page); those are
        asked again next time, and the first failure is raised for the screen to show."""
        unknown = sorted({uid for uid in user_ids if uid and uid not in self._emails})
        results = await asyncio.gather(*(self._email(uid) for uid in unknown), return_exceptions=True)
        self._emails.update((uid, email) for uid, email in zip(unknown, results, strict=True) if isinstance(email, str))
        failures = [result for result in results if isinstance(result, BaseException)]
        if failures:
            raise failures[0]

    async def _email(self, user_id: str) -> str:
        try:
            user = await self.client.user(user_id)
        except Missing:
            return f"{user_id} (deleted)"
        return str(user.email)

    def email(self, user_id: str | None) -> str:
        if not user_id:
            return "—"
        return self._emails.get(user_id, f"{user_id} (not loaded)")
