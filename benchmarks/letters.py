"""Benchmark response letters as files: a folder of mixed Word, PDF and e-mail letters read, matched and masked.

    python benchmarks/letters.py [--letters 5000] [--repeat 3] [--out letters.json]

It writes, once per size into the work folder, a corporate export (the sample generator's, its
letter columns emptied) and a folder holding each Stage 1 and Stage 2 response letter as a
file named by its case reference: two in five .docx, two in five PDF (with a text layer), one in
five .eml. Then it loads the export twice, each time in a fresh process so peak memory is the
load's own: without `[letters]`, and with it. The letters' cost is the difference: it prints
letters per second and the peak memory of each load, and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from email.message import EmailMessage
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PROFILE, _peak_rss_mb  # noqa: E402  the main benchmark's profile and memory probe

KEY = "benchmark-key-0123456789"
KINDS = (".docx", ".docx", ".pdf", ".pdf", ".eml")  # the mix: a letter's kind is KINDS[its number % 5]
RESPONSE_COLUMNS = {"1": "Stage 1 Response", "2": "Stage 2 Response"}


def write_fixture(letters: int, folder: Path) -> Path:
    """The export, the letters folder and two audit.toml files (with and without [letters]) in FOLDER."""
    from complaint_audit.sample_data.corporate import generate_corporate, write_corporate_csv

    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "with_letters.toml").exists():
        return folder
    started = time.perf_counter()
    frame = generate_corporate(letters, np.random.default_rng(11), year=2023, letters=True, case_prefix="L").data
    texts = [(reference, stage, text) for stage, column in RESPONSE_COLUMNS.items()
             for reference, text in zip(frame["Case Ref"], frame[column], strict=True) if isinstance(text, str)]
    for number, (reference, stage, text) in enumerate(texts[:letters]):
        _write_letter(folder / "letters" / f"{reference} stage {stage} response{KINDS[number % len(KINDS)]}", text)
    write_corporate_csv(frame.assign(**{column: None for column in RESPONSE_COLUMNS.values()}), folder / "export.csv")
    shutil.copyfile(PROFILE, folder / "corporate.toml")
    base = 'organisation = "Benchmark Council"\n\n[[sources]]\nprofile = "corporate.toml"\nfiles = ["export.csv"]\n'
    (folder / "without_letters.toml").write_text(base, encoding="utf-8")
    (folder / "with_letters.toml").write_text(
        base + "\n[letters]\nfolder = \"letters\"\nreference_pattern = 'L-\\d{2}-\\d{5}'\n", encoding="utf-8")
    print(f"wrote {min(letters, len(texts)):,} letters in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder


def _write_letter(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".docx":
        import docx

        document = docx.Document()
        for paragraph in text.split("\n"):
            document.add_paragraph(paragraph)
        document.save(str(path))
    elif path.suffix == ".pdf":
        from matplotlib.figure import Figure

        figure = Figure(figsize=(8.27, 11.69))
        lines = [line for paragraph in text.split("\n") for line in textwrap.wrap(paragraph, 95) or [""]]
        for number, line in enumerate(lines[:60]):
            figure.text(0.08, 0.95 - 0.015 * number, line, fontsize=8)
        figure.savefig(path, format="pdf")
    else:
        message = EmailMessage()
        message["Subject"], message["From"] = f"Your complaint {path.name.split()[0]}", "complaints@council.example"
        message.set_content(text)
        path.write_bytes(bytes(message))


def _phase(config: Path) -> dict:
    """One load of CONFIG's sources into a fresh store, in this process."""
    import os

    from complaint_audit.ingest.api import load_exports

    os.environ.setdefault("COMPLAINT_AUDIT_KEY", KEY)
    store = config.with_suffix(".store")
    shutil.rmtree(store, ignore_errors=True)
    started = time.perf_counter()
    report = load_exports(store=store, config=config)
    seconds = time.perf_counter() - started
    letters = report.letters
    return {"seconds": seconds, "records": sum(entry["loaded"] for entry in report.files),
            "letters_read": letters.read if letters else 0, "letters_matched": letters.matched if letters else 0}


def _measure(config: Path, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        output = subprocess.run([sys.executable, __file__, "--phase", str(config)], check=True, capture_output=True,
                                text=True).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    fastest = min(runs, key=lambda figures: figures["seconds"])
    return {**fastest, "peak_rss_mb": max(figures["peak_rss_mb"] for figures in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=5000, help="how many letter files")
    parser.add_argument("--repeat", type=int, default=1, help="run each load this many times and keep the fastest")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "complaint-audit-bench")
    parser.add_argument("--phase", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps({**_phase(args.phase), "peak_rss_mb": _peak_rss_mb()}))
        return

    folder = write_fixture(args.letters, args.workdir / f"letters_{args.letters}")
    without = _measure(folder / "without_letters.toml", args.repeat)
    with_letters = _measure(folder / "with_letters.toml", args.repeat)
    extra = with_letters["seconds"] - without["seconds"]
    result = {"letters": with_letters["letters_read"], "matched": with_letters["letters_matched"],
              "load_seconds": without["seconds"], "load_with_letters_seconds": with_letters["seconds"],
              "letters_per_second": with_letters["letters_read"] / extra if extra > 0 else None,
              "peak_rss_mb": without["peak_rss_mb"], "peak_rss_with_letters_mb": with_letters["peak_rss_mb"]}
    print(f"{result['letters']:,} letters read, {result['matched']:,} matched: load {without['seconds']:.1f} s without "
          f"them, {with_letters['seconds']:.1f} s with them ({result['letters_per_second'] or 0:,.0f} letters/s); "
          f"peak memory {without['peak_rss_mb']:,.0f} MB and {with_letters['peak_rss_mb']:,.0f} MB")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
