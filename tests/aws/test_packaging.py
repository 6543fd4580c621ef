"""What `sam build` puts in the functions: requirements.txt in step with pyproject.toml, and
handlers that load from it alone, at cold start, without touching the network."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: pyproject dependencies the functions never load: the companion's UI and the local server (and
#: its Prometheus metrics; the API function writes EMF lines instead).
NOT_ON_LAMBDA = {"textual", "segno", "uvicorn", "httptools", "uvloop", "prometheus-client", "websockets"}

COLD_START = """
import importlib, importlib.abc, socket, sys
from cfnlint.decode.cfn_yaml import load

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError(f"{{name}} is not in the Lambda package")
        return None

def no_network(*args, **kwargs):
    raise AssertionError(f"network at cold start: {{args}}")

sys.meta_path.insert(0, Absent())
socket.socket.connect = no_network
socket.create_connection = no_network
for name, resource in load("template.yaml")["Resources"].items():
    if resource["Type"] == "AWS::Serverless::Function":
        module, attribute = resource["Properties"]["Handler"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), attribute)), name
import updater.lambda_handler
updater.lambda_handler.runtime()
print("cold start ok")
"""


def requirement_names(lines: list[str]) -> dict[str, str]:
    """name -> version constraint."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            name, constraint = re.match(r"([A-Za-z0-9_.\-\[\]]+)\s*(.*)", line).groups()  # type: ignore[union-attr]
            found[name.lower()] = constraint
    return found


def test_requirements_list_the_runtime_dependencies_lambda_needs() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    declared = requirement_names(pyproject)
    shipped = requirement_names((ROOT / "requirements.txt").read_text().splitlines())

    assert set(shipped) == set(declared) - NOT_ON_LAMBDA


def test_handlers_load_from_the_lambda_package_without_network(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DYNAMODB_TABLE_NAME": "cryptowatch-test",
        "EXPORT_BUCKET": "cw-exports",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CRYPTOWATCH_DATA_DIR": str(tmp_path),
    }
    script = COLD_START.format(blocked=NOT_ON_LAMBDA)

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert "cold start ok" in result.stdout
