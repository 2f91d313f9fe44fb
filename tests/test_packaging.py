"""What a new user meets: the wheel carries its files, and the README's commands stay true."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(*command, cwd, env=None):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_wheel_installed_outside_the_repo_loads_and_audits_the_bundled_sample_data(tmp_path):
    # An sdist first and the wheel from it, as a release is built: a wheel built in the working tree
    # would carry modules left in its build/ folder by an earlier build, after they were deleted.
    _run(sys.executable, "-m", "build", "--outdir", str(tmp_path / "dist"), str(REPO), cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("complaint_audit-*.whl"))
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", str(venv), cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel), cwd=tmp_path)
    # The dependencies come from this test environment, so the test needs no network;
    # complaint_audit itself can only come from the wheel (a .pth line adds no editable hooks).
    site_packages = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    (site_packages / "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    sample = Path(_run(str(python), "-c", "import complaint_audit.sample_data as s; print(s.__path__[0])", cwd=tmp_path).strip())
    assert sample.is_relative_to(venv)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "COLUMNS": "120"}
    output = _run(str(venv / "bin" / "complaint-audit"), "load", "--config", str(sample / "audit.toml"), "--store", "store", cwd=tmp_path, env=env)
    assert re.search(r"Read [\d,]+ = loaded [\d,]+ \+ quarantined [\d,]+", output)
    # Adult social care's letters ship as files in the wheel and are read as the sample's ground truth says.
    letters = json.loads((sample / "ground_truth.json").read_text(encoding="utf-8"))["letters"]
    assert f"Letters read {letters['files']} = matched {len(letters['matched'])} + unmatched {len(letters['unmatched'])}" \
        in output
    assert (tmp_path / "store" / "load.json").exists()
    # The whole audit, report included, from the wheel alone: templates and checks ship in it.
    run_dir = tmp_path / _run(str(venv / "bin" / "complaint-audit"), "demo", "--out", "demo", "--quiet", cwd=tmp_path, env=env).strip()
    assert {"report.html", "report.pdf", "report.md"} <= {path.name for path in run_dir.iterdir()}
    assert "Had the Ombudsman investigated" in (run_dir / "report.html").read_text()


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"```sh\n(.+?)\n```", readme)
    assert len(commands) >= 2
    test_command = next(command for command in commands if "pytest" in command)
    assert test_command in (REPO / ".ci" / "run").read_text()
    assert commands[0].endswith("complaint-audit demo --out out")
