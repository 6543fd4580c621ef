"""The GitHub workflows: actionlint finds nothing in them (and does find a broken one), the test
workflow runs `.ci/run`, and the deploy goes dev, staging, prod through OIDC, each environment
with its own samconfig.toml section and GitHub environment (where approvals are required)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import actionlint

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


@pytest.fixture(scope="module")
def linted() -> Iterator[None]:
    reason = actionlint.missing_reason()
    if reason:
        pytest.fail(reason)
    actionlint.ensure_installed()
    yield


def workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    return loaded


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job["steps"]
    return found


def test_actionlint_finds_nothing_in_the_workflows(linted: None) -> None:
    assert len(WORKFLOWS) >= 3
    assert [str(f) for f in actionlint.lint(WORKFLOWS)] == []


def test_actionlint_does_find_what_is_wrong_in_a_workflow(linted: None, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )

    assert any("nope" in f.message for f in actionlint.lint([broken]))


def test_the_test_workflow_runs_ci_run_on_pushes_and_pull_requests() -> None:
    test = workflow("test.yml")

    assert {"push", "pull_request"} <= set(test[True])  # YAML 1.1 reads the key `on` as True
    assert [s["run"] for s in steps(test["jobs"]["test"]) if "run" in s] == [".ci/run"]


def test_the_deploy_follows_the_tests_and_goes_dev_staging_prod_through_oidc() -> None:
    deploy, per_environment = workflow("deploy.yml"), workflow("sam-deploy.yml")
    jobs = deploy["jobs"]
    job = per_environment["jobs"]["deploy"]
    credentials = next(s for s in steps(job) if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
    samconfig = (ROOT / "samconfig.toml").read_text()

    assert deploy[True]["workflow_run"] == {"workflows": ["test"], "types": ["completed"], "branches": ["main"]}
    assert deploy["permissions"]["id-token"] == "write"
    assert [(name, jobs[name]["needs"], jobs[name]["with"]["environment"]) for name in ("dev", "staging", "prod")] == [
        ("dev", "build", "dev"), ("staging", "dev", "staging"), ("prod", "staging", "prod"),
    ]  # fmt: skip
    assert all(f"[{env}.deploy.parameters]" in samconfig for env in ("dev", "staging", "prod"))
    assert job["environment"] == "${{ inputs.environment }}"
    assert set(credentials["with"]) == {"role-to-assume", "aws-region"}  # a role, never stored keys
    assert 'sam deploy --config-env "${{ inputs.environment }}"' in steps(job)[-1]["run"]
