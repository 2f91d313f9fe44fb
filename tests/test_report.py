"""The assessment report: what it says, that it is safe to open and circulate, and how it can be changed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from complaint_audit.errors import UserError
from complaint_audit.report import findings
from complaint_audit.report.charts import draw
from complaint_audit.report.context import report_context
from complaint_audit.report.render import builtin_templates, markdown_escape, render_html, render_reports, write_pdf
from complaint_audit.report.themes import THEME_BY_KEY

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"
SNAPSHOT = Path(__file__).parent / "snapshots" / "report.md"
UPDATE_SNAPSHOTS = "COMPLAINT_AUDIT_UPDATE_SNAPSHOTS"
HOSTILE = "<script>alert(1)</script>"
FIRST_RUN, SECOND_RUN = "20240516T120000Z-1a2b3c4d", "20240616T120000Z-5e6f7a8b"
_DAY = r"\d{1,2} [A-Z][a-z]+ \d{4}"  # a date as the report writes it: 15 July 2024
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def run_dir(sample_run) -> Path:
    """The sample audit's run folder (conftest), as `complaint-audit run` writes it."""
    return sample_run


@pytest.fixture(scope="module")
def written(run_dir) -> dict[str, Path]:
    return {fmt: run_dir / f"report.{fmt}" for fmt in ("html", "md", "pdf")}


@pytest.fixture(scope="module")
def html(written) -> str:
    return written["html"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf_text(written) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(written["pdf"]).pages)


@pytest.fixture(scope="module")
def results(run_dir) -> dict:
    document = json.loads((run_dir / "results.json").read_text())
    return {**document, "by_code": {check["code"]: check for check in document["checks"]}}


def _copy_run(run_dir: Path, root: Path, run_id: str = FIRST_RUN, **manifest_changes) -> Path:
    target = root / run_id
    shutil.copytree(run_dir, target, ignore=shutil.ignore_patterns("report.*"))
    manifest = json.loads((target / "manifest.json").read_text())
    (target / "manifest.json").write_text(json.dumps({**manifest, "run_id": run_id, **manifest_changes}))
    return target


class _Structure(HTMLParser):
    """Every start tag's attributes, and any end tag that does not close the element last opened."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.attributes: list[tuple[str, dict]] = []
        self.mismatched: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.attributes.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.attributes.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.mismatched.append(tag)


def test_a_run_writes_the_three_reports_into_its_folder(written):
    assert all(path.is_file() for path in written.values())
    assert written["pdf"].read_bytes().startswith(b"%PDF")


def test_the_html_is_well_formed_and_makes_no_external_request(html):
    parser = _Structure()
    parser.feed(html)
    assert parser.mismatched == [] and parser.open == []
    links = [value for _, attrs in parser.attributes for name, value in attrs.items()
             if name in ("src", "href", "xlink:href")]
    assert links and not [link for link in links if re.match(r"(?i)\s*(https?:)?//", link or "")]
    assert not [tag for tag, _ in parser.attributes if tag in ("script", "link", "img", "iframe")]
    assert not re.search(r"(?i)@import|url\(\s*['\"]?(https?:)?//", html)
    ids = [attrs["id"] for _, attrs in parser.attributes if "id" in attrs]
    assert len(ids) == len(set(ids)), "duplicate ids: charts must prefix theirs"


def test_the_report_has_every_section_and_a_chart_for_each_named_figure(html):
    for heading in ("Executive summary", "Scope and method", "Findings by theme", "The teams side by side",
                    "Recommendations and action plan", "Appendix A: Check catalogue",
                    "Appendix B: Data quality and lineage",
                    "Appendix C: Method", "Appendix D: Glossary", "OFFICIAL", "Northshire County Council"):
        assert heading in html
    for chart in ("by_month", "on_time", "members", "childrens_stage2"):
        assert f'id="chart-{chart}"' in html
    assert html.count("<svg") == html.count("<title id=")
    assert "This is the first assessment" in html
    assert 'href="exceptions.xlsx"' in html


def test_key_figures_of_the_results_appear_in_the_html_and_the_pdf(html, pdf_text, results):
    csc002, ft001 = results["by_code"]["CSC002"]["metrics"], results["by_code"]["FT001"]["metrics"]
    failing = results["summary"]["by_status"]["fail"]
    rated = sum(results["summary"]["by_status"][status] for status in ("pass", "warn", "fail"))
    expected = [
        f"{csc002['percent_on_time_as_recorded']:.1f}%", f"{csc002['percent_on_time_as_required']:.1f}%",
        f"{failing} of the {rated} checks rated are red",
        f"in a median of {ft001['member_median']:g} working days against {ft001['public_median']:g}",
    ]
    for figure in expected:
        assert figure in html
        assert figure in pdf_text
    cells = [f"{ft001[f'corporate_stage_1_{name}']:,g}" for name in ("member_cases", "public_cases", "member_median",
                                                                     "public_median")]
    assert "corporate Stage 1</th>" + "".join(f"<td>{cell}</td>" for cell in cells) in html


def test_templates_compiled_in_another_process_render_the_same_report_and_a_changed_one_is_compiled_again(run_dir,
                                                                                                        tmp_path):
    """A run's helper compiles the templates while the exports load (compiled_templates); this process renders with
    them (use_compiled), and a template changed since is compiled from its new source, not taken from them."""
    import pickle

    from complaint_audit.report.render import compiled_templates, render_markdown, use_compiled

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").write_text("{% extends 'default:report.md.j2' %}", encoding="utf-8")
    context = report_context(run_dir)
    expected_page, expected_markdown = render_html(context), render_markdown(context)
    compiled = pickle.loads(pickle.dumps(compiled_templates([str(folder)])))  # as the helper sends them
    assert len(compiled) >= 10
    (folder / "report.md.j2").write_text("Changed after compiling: {{ meta.organisation }}", encoding="utf-8")
    use_compiled(compiled, [str(folder)])

    assert render_html(context, [folder]) == expected_page != ""
    assert render_markdown(context, [folder]) == f"Changed after compiling: {context['meta']['organisation']}"
    assert render_markdown(context) == expected_markdown  # the built-in templates' environment untouched


@pytest.fixture
def fresh_environments():
    """The report's Jinja environments made anew, as in a new run (they are kept per process), and again after."""
    from complaint_audit.report.render import _environment

    _environment.cache_clear()
    yield _environment.cache_clear
    _environment.cache_clear()


def test_templates_compiled_by_one_run_are_read_by_the_next_where_python_keeps_bytecode(run_dir, tmp_path, monkeypatch,
                                                                                       fresh_environments):
    """Jinja's bytecode of the templates is kept where Python keeps its modules' (here under PYTHONPYCACHEPREFIX): the
    next run compiles none of them and renders the same report, and compiles again a template changed since, from its
    new source, and one whose bytecode was damaged."""
    from jinja2 import Environment

    from complaint_audit.report.render import compiled_templates, render_markdown

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "bytecode"))
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").write_text("{% extends 'default:report.md.j2' %}", encoding="utf-8")
    context = report_context(run_dir)
    compiled = dict(compiled_templates([str(folder)]))  # a copy: the environments' cache holds what they compile next
    kept = sorted((tmp_path / "bytecode").rglob("*.jinja"))
    assert len(kept) == len(compiled) >= 10
    expected = render_markdown(context, [folder])

    compiling = []
    real_compile = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, *args, **kwargs: compiling.append(args[1:2])
                        or real_compile(self, *args, **kwargs))
    fresh_environments()
    assert compiled_templates([str(folder)]) == compiled
    assert render_markdown(context, [folder]) == expected and compiling == []

    (folder / "report.md.j2").write_text("Changed since: {{ meta.organisation }}", encoding="utf-8")
    fresh_environments()
    assert render_markdown(context, [folder]) == f"Changed since: {context['meta']['organisation']}"
    assert compiling == [("report.md.j2",)]

    from jinja2.bccache import bc_magic

    damaged = bc_magic + b"damaged"
    for path in kept:  # damaged past Jinja's header, as a disk error might leave them: compiled again, and kept again
        path.write_bytes(damaged)
    fresh_environments()
    assert compiled_templates([str(folder)]).keys() == compiled.keys()
    assert render_markdown(context, [folder]) == f"Changed since: {context['meta']['organisation']}"
    assert [path for path in kept if path.read_bytes() == damaged] == []


@pytest.mark.parametrize("where", ["not writable", "no bytecode"])
def test_templates_not_kept_where_python_keeps_no_bytecode_or_cannot_are_compiled_each_run(where, run_dir, tmp_path,
                                                                                           monkeypatch, fresh_environments):
    from complaint_audit.report.render import render_markdown

    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "dont_write_bytecode", where == "no bytecode")
    monkeypatch.setattr(sys, "pycache_prefix", str(blocked if where == "not writable" else tmp_path / "bytecode"))
    context = report_context(run_dir)
    assert "Northshire County Council" in render_markdown(context)
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["a file"]


def test_a_run_s_helper_writes_the_markdown_from_the_templates_it_compiled_while_this_process_writes_the_page(
        run_dir, tmp_path):
    from complaint_audit.helper_process import HelperProcess
    from complaint_audit.report.render import compiled_templates, render_markdown, use_compiled

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").write_text("{% extends 'default:report.md.j2' %}{% block teams %}Our teams, "
                                         "{{ meta.organisation }}.{% endblock %}", encoding="utf-8")
    target = _copy_run(run_dir, tmp_path / "runs")
    context = report_context(target)
    with HelperProcess() as helper:
        use_compiled(helper.submit(compiled_templates, [str(folder)]).result(), [str(folder)])
        written = render_reports(target, ("html", "md"), [folder], context=context, helper=helper)

    markdown = written["md"].read_text(encoding="utf-8")
    assert markdown == render_markdown(context, [folder])
    assert "Our teams, Northshire County Council." in markdown and "4. The teams side by side" not in markdown
    assert written["html"].read_text(encoding="utf-8") == render_html(context, [folder])


def test_the_members_chart_has_the_medians_ft001_found(run_dir, results):
    context = report_context(run_dir)
    metrics = results["by_code"]["FT001"]["metrics"]
    groups = {group["label"]: group for group in context["charts"]["members"]["groups"]}
    assert groups["corporate Stage 1"]["members"]["med"] == metrics["corporate_stage_1_member_median"]
    assert groups["corporate Stage 1"]["public"]["med"] == metrics["corporate_stage_1_public_median"]


def test_every_built_in_check_states_its_fault_from_its_own_figures_under_a_known_theme(results):
    for code, check in results["by_code"].items():
        assert check["fault"], f"{code} declares no fault (its class's `fault`)"
        assert check["theme"] in (None, *THEME_BY_KEY), f"{code} declares a theme the report does not have"
        if check["status"] != "not_applicable":
            for wording in filter(None, (check["fault"], check["fault_when_warn"])):
                wording.format_map({name: "x" for name in check["metrics"]})  # KeyError: a metric was renamed


def test_the_context_is_plain_values_and_agrees_with_the_results(run_dir, results):
    context = report_context(run_dir)
    json.dumps(context)  # strings, numbers, lists, dicts only: no frames, paths or markup
    assert set(context) == {"meta", "overall", "headline", "set_aside", "summary", "scope", "themes", "teams",
                            "recommendations", "trend", "charts", "links", "appendix", "ombudsman", "regulator", "suppression",
                            "manual_review", "self_assessment"}
    assert context["overall"]["counts"] == results["summary"]["by_status"]
    assert 3 <= len(context["summary"]["issues"]) <= 6
    assert context["trend"] is None


def test_the_markdown_matches_its_snapshot(written):
    text = _normalised(written["md"].read_text(encoding="utf-8"))
    if os.environ.get(UPDATE_SNAPSHOTS) or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    message = f"report.md changed; if on purpose, rerun with {UPDATE_SNAPSHOTS}=1"
    assert text == SNAPSHOT.read_text(encoding="utf-8"), message


def _normalised(text: str) -> str:
    """The Markdown less what differs between runs of the same data: run ids, dates run, hashes, versions, paths."""
    text = text.replace(str(SAMPLE_DATA.parent), "REPO")
    text = re.sub(r"\d{8}T\d{6}Z-[0-9a-f]{8}", "RUN_ID", text)
    text = re.sub(r"\| Date of report \| [^|]+ \|", "| Date of report | DATE |", text)
    # The action plan's due dates count from the day the run was made.
    text = re.sub(rf"(Due dates count from the date of this report, |, by ){_DAY}", r"\1DATE", text)
    text = re.sub(rf"(?m)^(\| \d+ \| ){_DAY}( \|  \|)", r"\1DATE\2", text)
    # So do the committee's asks, and the age of the records at the date of the report.
    text = re.sub(rf"(for each by ){_DAY}", r"\1DATE", text)
    text = re.sub(r"the records are [\d,]+ months? old", "the records are N months old", text)
    text = re.sub(r"\b[0-9a-f]{64}\b", "SHA256", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[^\s|]*", "TIMESTAMP", text)
    return re.sub(r"complaint-audit \d+\.\d+[\w.+-]*", "complaint-audit VERSION", text)


def _personal_values() -> set[str]:
    """Names, emails, phone numbers and postcodes as they are in the raw sample exports."""
    corporate = pd.read_csv(SAMPLE_DATA / "exports" / "corporate_complaints.csv", encoding="cp1252", dtype=str)
    adults = pd.read_excel(SAMPLE_DATA / "exports" / "adult_social_care.xlsx", header=5, dtype=str, engine="openpyxl")
    children = json.loads((SAMPLE_DATA / "exports" / "childrens_complaints.json").read_text())["cases"]
    values = set((corporate["First Name"] + " " + corporate["Surname"]).dropna())
    values |= {value for column in ("Email", "Phone", "Postcode", "Address", "Representative")
               for value in corporate[column].dropna()}
    adult_columns = ("Service User", "Contact Name", "Contact Email", "Contact Phone", "Address", "Postcode")
    values |= {value for column in adult_columns for value in adults[column].dropna()}
    for case in children:
        person = case["complainant"]
        values |= {person["name"], person["email"], person["phone"], person["address"]["line1"],
                   person["address"]["postcode"], case["child"]["name"]}
    return {value for value in values if value and len(value) > 4}


def test_no_personal_data_from_the_exports_reaches_any_report(written, pdf_text, run_dir, tmp_path):
    personal = _personal_values()
    assert len(personal) > 500
    with_free_text = _copy_run(run_dir, tmp_path, report={"marking": "OFFICIAL", "free_text": True})
    free = render_reports(with_free_text, formats=("html", "md"))
    assert "Examples of learning recorded" in free["html"].read_text()
    outputs = {"html": written["html"].read_text(), "md": written["md"].read_text(), "pdf": pdf_text,
               "free text html": free["html"].read_text(), "free text md": free["md"].read_text()}
    for name, text in outputs.items():
        leaked = sorted(value for value in personal if value in text)
        assert leaked == [], f"{name} shows personal data: {leaked[:5]}"


def test_a_hostile_value_in_the_data_is_escaped(run_dir, tmp_path):
    hostile = _copy_run(run_dir, tmp_path, organisation="Northshire <b>County</b> & Co")
    for path in [*(hostile / "store" / "records").rglob("*.parquet"), hostile / "exceptions.parquet"]:
        table = pq.read_table(path)
        team = pc.replace_substring(table["team"], "Housing Complaints", HOSTILE)
        pq.write_table(table.set_column(table.schema.get_field_index("team"), table.schema.field("team"), team), path)
    written = render_reports(hostile, formats=("html", "md"))
    html, markdown = written["html"].read_text(), written["md"].read_text()
    assert not re.search(r"(?i)<script", html) and "<b>County</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Northshire &lt;b&gt;County&lt;/b&gt; &amp; Co" in html
    assert "<script>" not in markdown and r"\<script\>alert(1)\</script\>" in markdown


def test_a_user_template_can_extend_the_built_in_page_and_replace_a_block(run_dir, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.html.j2").write_text(
        '{% extends "default:report.html.j2" %}\n'
        '{% block teams %}<section id="teams"><h2>Our teams</h2>'
        "<p>{{ meta.organisation }} teams, our way.</p></section>{% endblock %}\n"
    )
    target = _copy_run(run_dir, tmp_path / "runs")
    html = render_reports(target, formats=("html",), template_dirs=[folder])["html"].read_text()
    assert "Northshire County Council teams, our way." in html
    assert "<h2>4. The teams side by side</h2>" not in html
    assert "Executive summary" in html and "<svg" in html


def test_a_second_run_reports_the_change_since_the_first(run_dir, tmp_path):
    first = _copy_run(run_dir, tmp_path)
    document = json.loads((first / "results.json").read_text())
    for check in document["checks"]:
        if check["code"] in ("CSC002", "CSC003"):  # better last time: now worse, with a new recommendation
            check.update(status="pass", metrics={**check["metrics"], "percent_failing": 2.0})
        if check["code"] == "DQ001":  # failing last time, with a recommendation now resolved
            check.update(status="fail", metrics={**check["metrics"], "percent_failing": 12.5})
    (first / "results.json").write_text(json.dumps(document))
    second = _copy_run(run_dir, tmp_path, SECOND_RUN, previous_run=FIRST_RUN)

    trend = report_context(second)["trend"]
    assert trend["available"] and trend["previous_run"] == FIRST_RUN
    assert "CSC002" in [row["code"] for row in trend["worse"]]
    assert "DQ001" in [row["code"] for row in trend["better"]]
    assert [item["codes"] for item in trend["resolved"]] == [["DQ001"]]
    assert trend["recommendations"]["new"] == 1 and trend["recommendations"]["repeated"] > 0
    written = render_reports(second, formats=("html", "md"))
    html = written["html"].read_text()
    assert "Compared with the previous run" in html and "Appendix G: Changes since the previous run" in html
    assert "state-repeated" in html and "Resolved since the previous run" in html
    assert "41.9%" in html and "2.0%" in html
    assert "Compared with the previous run" in written["md"].read_text()


def test_a_previous_run_that_has_gone_is_said_so(run_dir, tmp_path):
    lonely = _copy_run(run_dir, tmp_path, SECOND_RUN, previous_run="20240101T000000Z-00000000")
    assert report_context(lonely)["trend"] == {"available": False, "previous_run": "20240101T000000Z-00000000"}


def test_unknown_formats_and_folders_are_user_errors(run_dir, tmp_path):
    with pytest.raises(UserError, match="unknown report format 'docx'"):
        render_reports(run_dir, formats=("docx",))
    with pytest.raises(UserError, match="not a run folder"):
        render_reports(tmp_path)
    with pytest.raises(UserError, match="template folder not found"):
        render_reports(run_dir, formats=("md",), template_dirs=[tmp_path / "missing"])


def test_the_built_in_templates_are_found():
    assert {"report.html.j2", "report.md.j2", "report.css"} <= {path.name for path in builtin_templates().iterdir()}


def test_a_pdf_without_weasyprint_is_a_user_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as on a machine without Pango
    with pytest.raises(UserError, match="cannot write report.pdf"):
        write_pdf("<p>x</p>", tmp_path / "report.pdf", tmp_path)
    assert not (tmp_path / "report.pdf").exists()


def test_html_and_markdown_are_rendered_without_loading_openpyxl_weasyprint_or_matplotlib(run_dir, tmp_path):
    """Reviewer scores are read only when there are some, and the charts are written as SVG text (report/plot.py)."""
    copy = shutil.copytree(run_dir, tmp_path / run_dir.name)
    code = ("import sys; from pathlib import Path; from complaint_audit.report.render import render_reports; "
            f"render_reports(Path({str(copy)!r}), ['html', 'md']); "
            "print(sorted(name for name in ('matplotlib', 'openpyxl', 'weasyprint') if name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    html = (copy / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 9 and "Complaints received each month, by team</text>" in html


def test_charts_are_deterministic_svg_with_their_description():
    bar = {"failing": 1, "assessed": 20, "group": False, "small": False, "amber": 5.0, "red": 20.0}
    chart = {"title": "A <b>title</b>", "description": "Two bars & a note", "bars": [
        {**bar, "code": "TS001", "title": "Acknowledged", "percent": 4.9, "rag": "green", "text": "1 of 20 (4.9%)"},
        {**bar, "code": "TS005", "title": "Open past due", "percent": 33.3, "rag": "red", "text": "6 of 18 (33.3%)"}]}
    first, second = draw({"theme_timeliness": chart}), draw({"theme_timeliness": chart})
    svg = str(first["theme_timeliness"])
    assert svg == str(second["theme_timeliness"])
    assert svg.startswith("<svg") and "<?xml" not in svg and "<!--" not in svg
    assert '<title id="theme_timeliness-title">A &lt;b&gt;title&lt;/b&gt;</title>' in svg
    assert "Two bars &amp; a note" in svg and 'role="img"' in svg


def _finding(code, status, theme, percent=None):
    return {"code": code, "status": status, "theme": theme, "theme_title": theme, "percent_failing": percent}


_TIMELY = ("TS001", "pass", "timeliness")


@pytest.mark.parametrize(("statuses", "rag"), [
    ([("TS002", "fail", "timeliness")], "red"),
    ([("CSC002", "fail", "childrens"), _TIMELY], "red"),
    ([("FT001", "fail", "members"), _TIMELY], "red"),
    ([("QR006", "fail", "quality"), ("LN002", "fail", "learning"), ("OV003", "fail", "leadership"), _TIMELY], "red"),
    ([("QR006", "fail", "quality"), ("LN002", "fail", "learning"), _TIMELY], "amber"),
    ([("TS002", "warn", "timeliness")], "amber"),
    ([("TS002", "error", "timeliness"), _TIMELY], "amber"),
    ([("TS002", "pass", "timeliness"), ("QR006", "not_applicable", "quality")], "green"),
    # Too little to grade: no timeliness check rated, or fewer than half the checks (THIN_EVIDENCE_RULE).
    ([("TS002", "error", "timeliness")], "grey"),
    ([("QR006", "fail", "quality"), ("LN002", "fail", "learning"), ("OV003", "fail", "leadership")], "grey"),
    ([_TIMELY, ("TS002", "not_applicable", "timeliness"), ("TS003", "not_applicable", "timeliness")], "grey"),
])
def test_the_overall_assessment_follows_the_rag_rule(statuses, rag):
    assert findings.overall([_finding(*status) for status in statuses])["rag"] == rag


@pytest.mark.parametrize(("metrics", "expected"), [
    ({"assessed": 10, "percent_failing": 20.0}, 20.0),
    ({"member_cases": 162, "member_percent": 6.2, "public_percent": 0.0}, 6.2),
    ({"letters": 100, "percent_meeting_all": 88.0, "percent_failing": 12.0}, 12.0),
    ({"corporate_stage_1_member_upheld_percent": 52.7}, None),
])
def test_the_share_failing_is_found_whatever_the_check_calls_it(metrics, expected):
    assert findings.primary_percent(metrics) == expected


def test_markdown_escape_keeps_data_as_text():
    assert markdown_escape("[x](http://a) | *b* <i>\nnext") == r"\[x\](http:\/\/a) \| \*b\* \<i\> next"  # no bare link either
    assert markdown_escape(None) == ""


def test_an_amber_ft001_says_the_difference_could_be_chance():
    from complaint_audit.engine.registry import discover
    from complaint_audit.report.findings import ombudsman_sentence

    ft001 = discover()["FT001"]
    check = {
        "code": "FT001", "status": "warn", "finding": "", "fault": ft001.fault, "fault_when_warn": ft001.fault_when_warn,
        "metrics": {"groups_possibly_faster": 1, "groups_compared": 3, "groups_faster": 0, "member_median": 6.5, "public_median": 10.5},
        # every failing case handled under a code in force (tests/test_standards.py covers the other cases)
        "standard": {"fault": True, "cases_fault": 4, "cases_short": 0, "short_of": "the council's own procedure", "parts": []},
    }
    assert ombudsman_sentence(check) == (
        "Had the Ombudsman investigated, it might find fault because complaints from MPs and councillors were answered "
        "markedly faster than the public's in 1 of 3 process and stage groups compared, although the difference could "
        "be chance once the number of groups is allowed for."
    )


def test_a_finding_with_more_cases_than_the_workbook_holds_points_to_the_csv(run_dir, tmp_path, monkeypatch):
    import complaint_audit.report.findings as findings

    monkeypatch.setattr(findings, "SHEET_ROWS_PER_CHECK", 100)
    copy = _copy_run(run_dir, tmp_path)
    markdown = render_reports(copy, formats=("md",))["md"].read_text(encoding="utf-8")
    assert "all 300, with the reason for each, under LN002 in exceptions.csv." in markdown
    assert "all 81, with the reason for each, under TS006 in exceptions.xlsx." in markdown


def test_every_quarantine_reason_is_explained_in_the_appendix():
    from complaint_audit.ingest.validate import REASONS
    from complaint_audit.report.appendix import quarantine_reasons

    explained = quarantine_reasons([{"reasons": {reason: 1 for reason in REASONS}}])
    assert {row["reason"] for row in explained} == set(REASONS)
    assert all(row["meaning"] != row["reason"].replace("_", " ") for row in explained), "a reason has no wording"


# The sample's exports hold 36 rows that cannot be loaded, of 2,289 stage rows read: 1.6%.
SAMPLE_SET_ASIDE = ("36 of the 2,289 rows read (1.6%) were set aside (quarantined) and are in none of the figures "
                    "in this report; the reasons are in Appendix B and each row is in quarantine.csv.")


def test_the_summary_says_how_many_rows_were_set_aside_above_one_percent(run_dir, written, html):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    read, quarantined = (sum(item[key] for item in manifest["inputs"]) for key in ("read", "quarantined"))
    assert (read, quarantined) == (2289, 36)
    assert report_context(run_dir)["set_aside"]["text"] == SAMPLE_SET_ASIDE
    summary, records = written["md"].read_text(encoding="utf-8").split("## 2.")[:2]
    assert "- 36 rows set aside as unusable (1.6% of those read): they are in no figure (Appendix B)." in summary
    assert f"**Rows set aside:** {SAMPLE_SET_ASIDE}" in records
    assert f"<strong>Rows set aside:</strong> {SAMPLE_SET_ASIDE}" in html.split('id="scope"')[0]


@pytest.mark.parametrize(("quarantined", "noted"), [(22, False), (23, True)])
def test_one_percent_or_less_set_aside_is_left_to_the_scope_section(run_dir, tmp_path, quarantined, noted):
    """22 of 2,289 is 0.96%, 23 is 1.005%."""
    manifest = json.loads((run_dir / "manifest.json").read_text())
    inputs = [{**item, "quarantined": 0, "reasons": {}} for item in manifest["inputs"]]
    inputs[0] = {**inputs[0], "loaded": inputs[0]["read"] - quarantined, "quarantined": quarantined, "reasons": {"bad_date": quarantined}}
    context = report_context(_copy_run(run_dir, tmp_path, inputs=inputs))
    assert (context["set_aside"] is not None) == noted


def test_the_sample_pdf_is_a_committee_paper_two_pages_of_summary_and_eighteen_before_the_appendices(written):
    """Issue 16's page budget, read off the PDF as a reader turns it: the executive summary fits two pages, and the
    report up to its appendices (the check catalogue, lineage, method, glossary and the Code's self-assessment)
    fits eighteen, the length of the LGSCO's own review of the council."""
    from pypdf import PdfReader

    pages = [" ".join((page.extract_text() or "").split()) for page in PdfReader(written["pdf"]).pages]

    def first_page(heading: str) -> int:
        return next(number for number, text in enumerate(pages, start=1) if heading in text and number > 1)

    summary, records, appendices = (first_page(heading) for heading in
                                    ("1. Executive summary", "2. The records assessed", "6. Appendices"))
    assert records - summary <= 2, f"the summary runs from page {summary} into page {records}"
    assert appendices <= 18 + 1, f"the appendices start on page {appendices}"


def test_on_paper_only_the_summarys_issues_give_their_figures_and_impact_in_full(run_dir, pdf_text, html):
    """The printed report keeps to a committee paper's length: a finding outside the executive summary's issues gives
    its judgement, cases, remedy and recommendation; the HTML (and Markdown) give every finding in full."""
    context = report_context(run_dir)
    in_summary = {code for issue in context["summary"]["issues"] for code in issue["codes"]}
    concerns = [f for theme in context["themes"] for f in theme["concerns"] if not f.get("same_as")]
    full = [f for f in concerns if f["code"] in in_summary]
    brief = [f for f in concerns if f["code"] not in in_summary]
    assert full and brief and all(not f["brief"] for f in full) and all(f["brief"] for f in brief)

    def printed(text: str) -> bool:
        return " ".join(text.split()) in pdf_text

    assert all(printed(f"Impact: {f['impact']}") for f in full)
    assert not any(printed(f"Impact: {f['impact']}") for f in brief)
    assert all(printed(f"Recommendation {f['recommendation_number']}: ") for f in brief)
    assert all(f'class="finding brief" id="finding-{f["code"]}"' in html for f in brief)
    # A brief finding leaves out its "Standard applied" line: section 3 says once from when each Code applies.
    assert printed("(the LGSCO's Complaint Handling Code applies from 1 April 2026; the Housing Ombudsman's Complaint "
                   "Handling Code applies from 1 April 2024)")


# A page of the PDF with fewer words than this, other than the cover and the last, is nearly blank:
# a forced page break left the end of a section alone on it.
NEARLY_BLANK_WORDS = 150


def test_the_pdf_is_tagged_for_screen_readers_with_its_language_and_title(written):
    from pypdf import PdfReader

    reader = PdfReader(written["pdf"])
    catalogue = reader.trailer["/Root"]
    assert catalogue["/Lang"] == "en-GB"
    assert bool(catalogue["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalogue
    assert bool(catalogue["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == "Complaint handling assessment: Northshire County Council, 2023-24"


def test_each_chart_in_the_pdf_is_a_figure_whose_alternative_text_is_its_title_and_description(written, html):
    from pypdf import PdfReader

    figures = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                figures.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(PdfReader(written["pdf"]).trailer["/Root"]["/StructTreeRoot"])
    assert len(figures) == html.count("<svg")  # every chart of the HTML, none lost
    assert any(alt.startswith("Children's Stage 2 on time: as recorded against as required Bar chart of 31 children's "
                              "Stage 2 complaints") for alt in figures)


def test_no_page_of_the_pdf_but_the_cover_and_the_last_is_nearly_blank(written):
    from pypdf import PdfReader

    words = [len((page.extract_text() or "").split()) for page in PdfReader(written["pdf"]).pages]
    nearly_blank = {number: count for number, count in enumerate(words, start=1)
                    if 1 < number < len(words) and count < NEARLY_BLANK_WORDS}
    assert nearly_blank == {}, f"pages with fewer than {NEARLY_BLANK_WORDS} words: {nearly_blank}"


def test_teams_xlsx_holds_every_team_of_the_report_as_numbers(run_dir, tmp_path):
    """The sample's four teams are all in section 4, so its run writes no teams.xlsx; the sheet it would write
    has each team's figures as numbers that the report's text was made from."""
    from openpyxl import load_workbook

    from complaint_audit.report.render import write_teams

    assert not (run_dir / "teams.xlsx").exists()
    table = report_context(run_dir)["teams"]
    sheet = load_workbook(write_teams(tmp_path / "teams.xlsx", table["sheet"]), read_only=True)["Teams"]
    header, *rows = sheet.iter_rows(values_only=True)
    figures = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert list(figures) == ["Adult Social Care Complaints", "Children's Complaints", "Corporate Complaints",
                             "Housing Complaints"]
    housing = figures["Housing Complaints"]
    shown = dict(zip(table["columns"], next(row for row in table["rows"] if row[0] == "Housing Complaints"), strict=True))
    assert shown["Cases"] == f"{housing['Cases']:,}"
    assert shown["On time at Stage 2"] == (f"{housing['On time at Stage 2: count']} of {housing['On time at Stage 2: of']} "
                                           f"({housing['On time at Stage 2: percent']:.1f}%)")


def test_over_eight_teams_the_report_ranks_the_few_and_lists_every_team_in_an_appendix_and_teams_xlsx(run_dir, tmp_path):
    """The sample with its Corporate Complaints cases shared among twelve teams, by case: fifteen teams in all."""
    import pyarrow as pa
    from openpyxl import load_workbook

    many = _copy_run(run_dir, tmp_path)
    for path in [*(many / "store" / "records").rglob("*.parquet"), many / "exceptions.parquet"]:
        table = pq.read_table(path)
        frame = table.to_pandas()
        corporate = frame["team"] == "Corporate Complaints"
        bucket = pd.util.hash_array(frame["case_id"].astype(str).to_numpy(dtype=object)) % 12
        frame.loc[corporate, "team"] = [f"Corporate team {index + 1:02d}" for index in bucket[corporate.to_numpy()]]
        pq.write_table(pa.Table.from_pandas(frame, schema=table.schema, preserve_index=False), path)
    written = render_reports(many, formats=("html", "md"))
    markdown, html = written["md"].read_text(), written["html"].read_text()
    assert "There are 15 complaints teams." in markdown
    for measure in ("On time at Stage 1", "On time at Stage 2", "Cases listed by red or amber checks"):
        assert f"*{measure}: the teams with the " in markdown
    appendix = markdown[markdown.index("### Appendix F: Every team's figures"):]
    assert sum(line.startswith("| Corporate team ") for line in appendix.splitlines()) == 12
    appendix_table = html[html.index('<table class="teams compact long">'):]
    assert appendix_table.index("<thead>") < appendix_table.index("<tbody>")  # a header each printed page repeats
    assert html.count('class="compact ranked keep"') == 3
    sheet = load_workbook(written["teams"], read_only=True)["Teams"]
    assert sum(1 for _ in sheet.iter_rows(min_row=2)) == 15
