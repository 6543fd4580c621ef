"""Export price history: JSON or CSV, some or all symbols, a time range."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.widgets import Input, Select

from companion.client import CompanionClient
from companion.ranges import HELP, parse_range
from companion.screens.form import FieldProblem, FormModal
from companion.widgets.field import Field
from shared.shapes.exports import ExportCreated

FORMATS = (("JSON records {id, timestamp, name, symbol, price}", "json"), ("CSV", "csv"))


class ExportForm(FormModal[ExportCreated]):
    HEADING = "New export of price history"
    SUBMIT = "Export"

    def __init__(self, client: CompanionClient, clock: Callable[[], float]) -> None:
        super().__init__(client)
        self.clock = clock

    def compose_fields(self) -> Iterable[Field]:
        yield Field("Symbols", Input(placeholder="BTC, ETH (blank: all)", compact=True), name="symbols")
        yield Field("Range", Input(placeholder=HELP, compact=True), name="range")
        yield Field("Format", Select(FORMATS, value="json", allow_blank=False, compact=True), name="format")

    async def send(self) -> ExportCreated:
        symbols = [part.strip().upper() for part in self.value("symbols").split(",") if part.strip()]
        try:
            start, end = parse_range(self.value("range"), self.clock())
        except ValueError as error:
            raise FieldProblem("range", str(error).capitalize() + ".") from None
        return await self.client.create_export(
            fmt=str(self.choice("format")), symbols=symbols, start=start, end=end
        )
