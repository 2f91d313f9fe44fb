"""The command line through typer's CliRunner: output, exit codes, errors as one line."""

from __future__ import annotations

import json

import pytest
import typer

from complaint_audit import __version__
from complaint_audit.cli import app
from tests.builders import WIDE_PROFILE, wide_export, write

GOOD = "C1,Member of Public,Ann Lee,ann@example.org,14/04/2023,28/04/2023,Upheld,,,,"
BAD = "C2,MP,,,31/02/2024,,Upheld,,,,"


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"complaint-audit {__version__}"


def _command_paths(command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under COMMAND, as the words that call it: (), ("profile",), ("profile", "suggest") ..."""
    commands = getattr(command, "commands", {})
    return [path, *(found for name, sub in sorted(commands.items()) for found in _command_paths(sub, (*path, name)))]


COMMANDS = _command_paths(typer.main.get_command(app))


def test_the_commands_are_found_in_the_app():
    assert {("compare",), ("reviews", "import"), ("profile", "suggest"), ("checks", "docs")} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command) or "complaint-audit")
def test_every_command_has_help(runner, command):
    result = runner.invoke(app, [*command, "--help"], prog_name="complaint-audit")
    assert result.exit_code == 0, result.output
    assert "Usage: complaint-audit" in result.output


def test_schema_as_json_lists_every_field_with_its_meaning(runner):
    result = runner.invoke(app, ["schema", "--format", "json"])
    assert result.exit_code == 0, result.output
    fields = {field["name"]: field for field in json.loads(result.output)}
    assert fields["raised_via"]["allowed"] == ["public", "representative", "advocate", "mp", "councillor", "other"]
    assert fields["received"]["type"] == "date32[day]" and fields["received"]["required"] is True
    assert all(field["meaning"] for field in fields.values())


def test_schema_table(runner):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    assert "complainant_key" in result.output and "childrens_statutory" in result.output


def test_load_prints_the_reconciliation_and_exits_0(runner, tmp_path, wide_profile):
    export = wide_export(tmp_path, GOOD, BAD)
    result = runner.invoke(app, ["load", "--profile", str(wide_profile), str(export), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "Read 2 = loaded 1 + quarantined 1 (50.0%)" in result.output
    assert "bad_date" in result.output


def test_load_exits_1_over_max_quarantine(runner, tmp_path, wide_profile):
    export = wide_export(tmp_path, GOOD, BAD)
    args = ["load", "--profile", str(wide_profile), str(export), "--store", str(tmp_path / "s"), "--max-quarantine", "10"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "50.0% of rows were quarantined, more than --max-quarantine 10%" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["load", "--store", "s"], "error: give either --profile PROFILE.toml FILE... or --config AUDIT.toml"),
        (["load", "--store", "s", "--profile", "missing.toml", "x.csv"], "error: missing.toml: profile not found"),
        (["load", "--store", "s", "--config", "missing.toml"], "error: missing.toml: config not found"),
    ],
)
def test_user_errors_are_one_line_with_exit_2_and_no_traceback(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--debug", "load", "--store", "s", "--config", "missing.toml"])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "UserError"


def test_an_unexpected_error_is_one_line_too(runner, tmp_path, monkeypatch):
    def broken(**_):
        raise ValueError("something odd")

    monkeypatch.setattr("complaint_audit.ingest.api.load_exports", broken)
    result = runner.invoke(app, ["load", "--store", "s", "--config", "x.toml"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unexpected ValueError: something odd (run with --debug for the traceback)"


def test_generate_writes_a_loadable_sample_and_says_how_many_problems_it_seeded(runner, tmp_path):
    result = runner.invoke(app, ["generate", "--out", str(tmp_path / "g"), "--cases", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "g" / "ground_truth.json").read_text())
    seeded = sum(len(problem.get("case_ids", [])) for problem in truth["problems"].values())
    assert f"with {seeded:,} seeded problem cases" in " ".join(result.output.split())
    loaded = runner.invoke(app, ["load", "--config", str(tmp_path / "g" / "audit.toml"), "--store", str(tmp_path / "s")])
    assert loaded.exit_code == 0, loaded.output


def test_the_cli_starts_without_loading_the_heavy_libraries():
    import subprocess
    import sys

    probe = "import sys, complaint_audit.cli; print(sorted(m for m in ('pandas', 'matplotlib', 'weasyprint', 'scipy') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_load_refuses_a_draft_profiles_placeholder_organisation_and_writes_nothing(runner, tmp_path):
    from complaint_audit.ingest.suggest.draft import ORGANISATION_PLACEHOLDER

    profile = write(tmp_path / "draft.toml", WIDE_PROFILE.replace("Testshire Council", ORGANISATION_PLACEHOLDER))
    result = runner.invoke(app, ["load", "--profile", str(profile), str(wide_export(tmp_path, GOOD)), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {profile}: [constants] organisation: still the placeholder from `complaint-audit profile suggest`: "
        "write the council's name (or delete the line and set organisation in audit.toml)"
    )
    assert not (tmp_path / "s").exists()


def test_load_refuses_the_placeholder_organisation_of_an_init_folder(runner, tmp_path):
    export = wide_export(tmp_path, GOOD)
    assert runner.invoke(app, ["init", str(tmp_path / "audit"), str(export)]).exit_code == 0
    result = runner.invoke(app, ["load", "--config", str(tmp_path / "audit" / "audit.toml"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "organisation: still the placeholder from `complaint-audit init`" in result.stderr
    assert not (tmp_path / "s").exists()
