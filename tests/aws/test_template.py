"""template.yaml: cfn-lint clean, the SAM transform succeeds offline, and what it deploys is
what the code expects (table layout, environment names, handlers, permissions)."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load as load_cfn_yaml
from samtranslator.translator.transform import transform

from shared.config import Settings
from shared.store import dynamodb_layout

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


class OfflinePolicies:
    """The translator's managed-policy loader, without IAM: the template names AWS managed
    policies only through SAM policy templates and ARNs, so the map may stay empty."""

    def load(self) -> dict[str, str]:
        return {}


@cache
def source() -> dict[str, Any]:
    return dict(load_cfn_yaml(str(TEMPLATE)))


@cache
def transformed() -> dict[str, Any]:
    """The CloudFormation that `sam deploy` would submit: CodeUri is first replaced by the S3
    location `sam package` uploads the build to, as the translator requires."""
    template = copy.deepcopy(source())
    template["Globals"]["Function"]["CodeUri"] = "s3://cw-artifacts/cryptowatch/build.zip"
    return transform(template, {"AWS::Region": "eu-west-1"}, OfflinePolicies())


@pytest.fixture(autouse=True)
def region_for_the_translator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The translator asks a boto3 session for the region (locally, no call is made)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")


def resources(kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in transformed()["Resources"].items():
        if resource["Type"] == kind:
            yield name, resource["Properties"]


def function(name: str) -> dict[str, Any]:
    return dict(transformed()["Resources"][name]["Properties"])


def role_statements(function_name: str) -> list[dict[str, Any]]:
    role = transformed()["Resources"][f"{function_name}Role"]["Properties"]
    return [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def test_cfn_lint_finds_no_errors_or_warnings() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("cfn-lint")), "--", str(TEMPLATE)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    # Exit status bits: 1 cfn-lint itself failed, 2 errors, 4 warnings, 8 informational.
    assert result.returncode & 0b111 == 0, result.stdout + result.stderr


def test_the_sam_transform_succeeds_offline() -> None:
    kinds = {resource["Type"] for resource in transformed()["Resources"].values()}

    assert {
        "AWS::Lambda::Function", "AWS::ApiGatewayV2::Api", "AWS::Events::Rule",
        "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::CloudWatch::Alarm", "AWS::SNS::Topic",
    } <= kinds  # fmt: skip


def test_the_api_answers_every_route_through_one_function() -> None:
    ((_, api),) = resources("AWS::ApiGatewayV2::Api")
    route = api["Body"]["paths"]["$default"]["x-amazon-apigateway-any-method"]
    integration = route["x-amazon-apigateway-integration"]

    assert integration["payloadFormatVersion"] == "2.0"
    assert "${ApiFunctionAliaslive}" in integration["uri"]["Fn::Sub"]  # the deployed alias
    assert function("ApiFunction")["Handler"] == "api.lambda_handler.handler"


def test_a_deploy_shifts_the_alias_at_once_in_dev_by_canary_elsewhere_and_alarms_roll_back() -> None:
    ((_, group),) = resources("AWS::CodeDeploy::DeploymentGroup")
    condition, dev, other = group["DeploymentConfigName"]["Fn::If"]
    alarms = {alarm["Name"]["Ref"] for alarm in group["AlarmConfiguration"]["Alarms"]}
    live_errors = function("ApiLiveErrorsAlarm")

    assert (condition, dev["Fn::Sub"][1], other["Fn::Sub"][1]) == (
        "IsDev", {"ConfigName": "AllAtOnce"}, {"ConfigName": "Canary10Percent10Minutes"},
    )  # fmt: skip
    assert source()["Conditions"]["IsDev"] == {"Fn::Equals": [{"Ref": "Environment"}, "dev"]}
    assert alarms == {"ApiLiveErrorsAlarm", "Api5xxAlarm"}
    assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
    assert {"Name": "Resource", "Value": {"Fn::Sub": "${ApiFunction}:live"}} in live_errors["Dimensions"]
    assert live_errors["Period"] == 60  # a bad canary is seen well inside its 10 minutes


def test_a_public_function_url_on_the_alias_is_an_option_off_by_default() -> None:
    made = {
        name: resource
        for name, resource in transformed()["Resources"].items()
        if resource.get("Condition") == "HasFunctionUrl"
    }
    permissions = {(r["Properties"]["Action"], r["Properties"]["FunctionName"]["Ref"]) for r in made.values()
                   if r["Type"] == "AWS::Lambda::Permission"}  # fmt: skip

    assert source()["Parameters"]["FunctionUrl"]["Default"] == "off"
    url = made["ApiFunctionUrl"]["Properties"]
    assert url == {"TargetFunctionArn": {"Ref": "ApiFunctionAliaslive"}, "AuthType": "NONE"}
    assert permissions == {
        ("lambda:InvokeFunctionUrl", "ApiFunctionAliaslive"), ("lambda:InvokeFunction", "ApiFunctionAliaslive"),
    }  # fmt: skip


def test_the_updater_runs_every_five_minutes_one_at_a_time() -> None:
    ((_, rule),) = resources("AWS::Events::Rule")
    updater = function("UpdaterFunction")
    ((_, invoke),) = resources("AWS::Lambda::EventInvokeConfig")

    assert rule["ScheduleExpression"] == "rate(5 minutes)"
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["UpdaterFunction", "Arn"]}
    assert updater["ReservedConcurrentExecutions"] == 1
    assert updater["Handler"] == "updater.lambda_handler.handler"
    assert updater["Timeout"] < 300  # a run ends before the next tick
    assert invoke["MaximumRetryAttempts"] == 0  # a failed cycle waits for the next tick
    # A tick throttled by a run still going is retried until this old, then discarded.
    assert invoke["MaximumEventAgeInSeconds"] == 60


def test_both_functions_run_python_on_arm64_with_the_same_settings() -> None:
    api, updater = function("ApiFunction"), function("UpdaterFunction")

    for props in (api, updater):
        assert props["Runtime"] in ("python3.11", "python3.12")
        assert props["Architectures"] == ["arm64"]
    assert api["Environment"] == updater["Environment"]


def test_the_table_is_the_one_the_dynamodb_store_creates() -> None:
    table = source()["Resources"]["Table"]["Properties"]
    schema = dynamodb_layout.TABLE_SCHEMA

    for part in ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "BillingMode"):
        assert table[part] == schema[part], part
    assert table["TimeToLiveSpecification"] == {"AttributeName": dynamodb_layout.TTL_ATTRIBUTE, "Enabled": True}
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_the_export_bucket_is_private_encrypted_and_expires_exports() -> None:
    bucket = source()["Resources"]["ExportBucket"]["Properties"]
    policy = source()["Resources"]["ExportBucketPolicy"]["Properties"]["PolicyDocument"]
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]

    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["Prefix"] == "exports/" and rule["Status"] == "Enabled"
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Statement"]
    )


def test_only_the_api_may_touch_exports_and_only_under_exports() -> None:
    def s3_statements(function_name: str) -> list[dict[str, Any]]:
        return [
            s for s in role_statements(function_name)
            if any(str(action).startswith("s3:") for action in s["Action"])
        ]  # fmt: skip

    (api_s3,) = s3_statements("ApiFunction")

    assert sorted(api_s3["Action"]) == ["s3:GetObject", "s3:PutObject"]
    assert api_s3["Resource"]["Fn::Sub"].endswith("${ExportBucket}/exports/*")
    assert s3_statements("UpdaterFunction") == []


TABLE = {"Fn::GetAtt": ["Table", "Arn"]}
INDEXES = {"Fn::Sub": "${Table.Arn}/index/*"}


def dynamodb_grants(function_name: str) -> list[tuple[Any, set[str]]]:
    return [
        (s["Resource"], set(s["Action"])) for s in role_statements(function_name)
        if any(str(action).startswith("dynamodb:") for action in s["Action"])
    ]  # fmt: skip


def test_each_function_may_make_exactly_the_dynamodb_calls_its_code_makes() -> None:
    """From shared/store/dynamodb*.py; a TransactWriteItems needs the actions inside it."""
    assert dynamodb_grants("ApiFunction") == [
        (TABLE, {
            "dynamodb:GetItem", "dynamodb:Query",  # lookups, the latest prices, usage, history
            "dynamodb:UpdateItem",  # the rate-limit hit; revoking, cancelling (transactions)
            "dynamodb:PutItem",  # export records; new users, keys, alerts (transactions)
            "dynamodb:DeleteItem",  # deleting a user (a transaction)
            "dynamodb:DescribeTable",  # /health's ping
        }),
        (INDEXES, {"dynamodb:Query"}),  # the admin listings and usage_for_day
    ]  # fmt: skip
    assert dynamodb_grants("UpdaterFunction") == [
        (TABLE, {
            "dynamodb:BatchWriteItem",  # history points
            "dynamodb:GetItem", "dynamodb:PutItem",  # the latest prices; a webhook owner, a notification
            "dynamodb:UpdateItem",  # the status, a trigger's alert, the outbox
        }),
        (INDEXES, {"dynamodb:Query"}),  # active alerts, due notifications
    ]  # fmt: skip


def test_alarms_cover_errors_throttles_and_staleness_and_notify_the_topic() -> None:
    alarms = dict(resources("AWS::CloudWatch::Alarm"))
    metrics = {(a["Namespace"], a["MetricName"]) for a in alarms.values()}

    assert {
        ("AWS/ApiGateway", "5xx"), ("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"),
        ("Cryptowatch", "PricesAgeSeconds"),
    } <= metrics  # fmt: skip
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    stale = next(a for a in alarms.values() if a["MetricName"] == "PricesAgeSeconds")
    assert stale["TreatMissingData"] == "breaching"  # an updater that stopped is stale too
    assert stale["Threshold"] == 2 * 300  # as /health: older than two cycles


def test_dynamodb_throttling_of_the_table_or_its_index_raises_an_alarm() -> None:
    def throttled(alarm: dict[str, Any]) -> tuple[str, str]:
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        assert dimensions.pop("TableName") == {"Ref": "Table"}
        return dimensions.pop("GlobalSecondaryIndexName", "table"), alarm["MetricName"]

    alarms = [a for _, a in resources("AWS::CloudWatch::Alarm") if a["Namespace"] == "AWS/DynamoDB"]

    assert {throttled(a) for a in alarms} == {
        (where, metric)
        for where in ("table", dynamodb_layout.INDEX)
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents")
    }
    assert all(a["Threshold"] == 1 and a["TreatMissingData"] == "notBreaching" for a in alarms)


class _Recorder(dict[str, str]):
    """An environment that remembers which names were read."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(name)
        return super().get(name, default)


def test_every_environment_variable_is_one_the_config_reads() -> None:
    variables = source()["Globals"]["Function"]["Environment"]["Variables"]
    parameters = source()["Parameters"]
    defaults = {
        name: str(parameters[value["Ref"]].get("Default", ""))
        for name, value in variables.items()
        if isinstance(value, Mapping) and value.get("Ref") in parameters
    }
    literals = {name: value for name, value in variables.items() if isinstance(value, str)}
    env = _Recorder(defaults | literals)

    settings = Settings.from_env(env)  # the parameter defaults make a valid configuration

    assert set(variables) <= env.read, set(variables) - env.read
    assert settings.rate_limit_per_minute == 100
    assert settings.update_interval_seconds == 300


def test_every_stock_setting_is_a_parameter_of_the_stack() -> None:
    variables = source()["Globals"]["Function"]["Environment"]["Variables"]
    env = _Recorder({})
    Settings.from_env(env)

    stock_settings = {name for name in env.read if name.startswith("STOCK_")}
    assert stock_settings == {"STOCK_SYMBOLS", "STOCK_API_URL", "STOCK_FALLBACK_API_URL", "STOCK_MAX_SYMBOLS"}
    assert stock_settings <= set(variables), stock_settings - set(variables)
    assert all(variables[name]["Ref"] in source()["Parameters"] for name in stock_settings)


def test_the_api_function_writes_no_platform_line_per_invocation() -> None:
    logging = function("ApiFunction")["LoggingConfig"]

    assert (logging["LogFormat"], logging["SystemLogLevel"]) == ("JSON", "WARN")  # no START/END/REPORT
