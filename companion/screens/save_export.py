"""Save an export to a file of the person's choosing, downloaded through the API (or straight
from the pre-signed URL on AWS). An existing file is replaced only after asking."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from textual.widgets import Input

from companion import format
from companion.client import CompanionClient
from companion.screens.confirm import ConfirmModal
from companion.screens.form import FieldProblem, FormModal
from companion.widgets.field import Field
from shared.shapes.exports import Export


def default_path(export: Export) -> Path:
    """The export's own file name, in the current folder."""
    return Path.cwd() / PurePosixPath(str(export.file_key)).name


class SaveExport(FormModal[Path]):
    HEADING = "Save export to a file"
    SUBMIT = "Save"

    def __init__(self, client: CompanionClient, export: Export) -> None:
        super().__init__(client)
        self.export = export

    def compose_fields(self) -> Iterable[Field]:
        yield Field("Save as", Input(str(default_path(self.export)), compact=True), name="path")

    async def send(self) -> Path:
        raw = self.value("path")
        if not raw:
            raise FieldProblem("path", "Where should the file go?")
        path = Path(raw).expanduser()
        if path.is_dir():
            path = path / default_path(self.export).name
        if path.exists() and not await self.app.push_screen_wait(
            ConfirmModal(f"Replace {path}?", "A file of that name is there already.", yes="Replace")
        ):
            raise FieldProblem("path", f"{path} already exists; choose another name, or save again to replace it.")
        try:
            size = await self.client.download(str(self.export.url), path)
        except OSError as error:
            raise FieldProblem("path", f"Cannot write {path}: {error.strerror or error}.") from None
        self.notify(f"{format.size(size)} written to {path}", title="Saved", markup=False)
        return path
