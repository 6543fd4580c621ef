"""Expressions with a placeholder for every attribute name and value.

Many of our field names (`status`, `name`, `count`, `ttl`, `end`...) are DynamoDB reserved
words; naming everything through `#n`/`:v` placeholders makes that a non-issue.
"""

from __future__ import annotations

from typing import Any

from shared.store.dynamodb_codec import to_attr


class Expr:
    """Collects names and values for one request's Update/Condition/Filter/KeyCondition."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._values: dict[str, Any] = {}
        self._set: list[str] = []
        self._add: list[str] = []
        self._remove: list[str] = []

    def n(self, attribute: str) -> str:
        """The placeholder of an attribute name."""
        placeholder = f"#{attribute}"
        self._names[placeholder] = attribute
        return placeholder

    def v(self, value: Any) -> str:
        """The placeholder of a value."""
        placeholder = f":v{len(self._values)}"
        self._values[placeholder] = to_attr(value)
        return placeholder

    def set(self, attribute: str, value: Any) -> Expr:
        """SET the attribute, or REMOVE it when the value is None (DynamoDB has no nulls here)."""
        if value is None:
            self._remove.append(self.n(attribute))
        else:
            self._set.append(f"{self.n(attribute)} = {self.v(value)}")
        return self

    def set_expr(self, attribute: str, expression: str) -> Expr:
        self._set.append(f"{self.n(attribute)} = {expression}")
        return self

    def add(self, attribute: str, amount: int) -> Expr:
        self._add.append(f"{self.n(attribute)} {self.v(amount)}")
        return self

    def update_expression(self) -> str:
        parts = []
        if self._set:
            parts.append("SET " + ", ".join(self._set))
        if self._add:
            parts.append("ADD " + ", ".join(self._add))
        if self._remove:
            parts.append("REMOVE " + ", ".join(self._remove))
        return " ".join(parts)

    def params(self, **expressions: str | None) -> dict[str, Any]:
        """Request parameters: the given expressions (e.g. ConditionExpression=...), the update
        expression when anything was set, added or removed, and the placeholders used."""
        params: dict[str, Any] = {k: v for k, v in expressions.items() if v}
        update = self.update_expression()
        if update:
            params["UpdateExpression"] = update
        if self._names:
            params["ExpressionAttributeNames"] = dict(self._names)
        if self._values:
            params["ExpressionAttributeValues"] = dict(self._values)
        return params
