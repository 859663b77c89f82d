"""Once a county has a store, the lists are what it published: `lists build`, `evaluate`,
`check` and `lists diff` work from the latest version and say which; a change of the county
directory after publication is an audited county revision, and decisions name the revision
they were made on."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import MINI, proposal, run_cli, write_yaml
from tests.workflow.conftest import Flow


def _shown(flow: Flow, text: str, anchor: str) -> str:
    """A note as golden files hold it: the store and the audit anchor named alike on every
    back end and run."""
    return text.replace(flow.target_name, "<store>").replace(anchor, "<anchor>")


def test_lists_and_evaluate_follow_the_published_version(flow: Flow, golden: Any) -> None:
    pid = flow.to_admitted()
    path = write_yaml(flow.tmp / "complete.yaml", proposal())  # the same, procedure complete
    before = run_cli("evaluate", path, "--county", MINI, "--db", flow.db, "--format", "json")
    assert json.loads(before.stdout)["verdict"] == "admitted"
    flow.publish(pid)
    run = run_cli("lists", "build", "--county", MINI, "--db", flow.db, "--street", "S01",
                  "--with-rules")
    assert run.code == 0 and f"| {pid} |" in run.stdout
    head = flow.sql("SELECT seq, mac FROM duty_audit WHERE action = 'publish'")[-1]
    key = flow.sql("SELECT value FROM duty_meta WHERE key = 'key'")[0][0]
    anchor = f"审计锚点 {head[0]}:{head[1]}:{key}"  # with the key's fingerprint
    assert run.stderr.count("\n") == 1 and run.stderr.endswith(f"{anchor}\n")
    assert f" {flow.target_name} " in run.stderr and "测试区" in run.stderr
    golden("errors/workflow_published_lists/lists-from-a-published-version.txt",
           _shown(flow, run.stderr, f"{head[0]}:{head[1]}:{key}"))
    block = run.stdout.splitlines()[2]  # the title block, under the title
    assert block.startswith("县区：测试区；乡镇（街道）：东门街道；清单版本：第 1 版；公布日期：")
    assert block.endswith(anchor.replace(" ", "："))
    same = run_cli("lists", "build", "--version", "1", "--db", flow.db, "--street", "S01",
                   "--with-rules")
    assert same.stdout == run.stdout
    data = json.loads(run_cli("lists", "build", "--version", "1", "--db", flow.db,
                              "--format", "json").stdout)
    assert data["source"]["version"] == 1
    assert data["source"]["anchor"] == f"{head[0]}:{head[1]}:{key}"
    # the anchor checks the record and the key
    assert run_cli("audit", "verify", "--db", flow.db, "--expect",
                   f"{head[0]}:{head[1]}:{key}").code == 0
    other = run_cli("audit", "verify", "--db", flow.db, "--expect",
                    f"{head[0]}:{head[1]}:{'0' * 16}")
    assert other.code == 1 and "0" * 16 in other.stdout and key in other.stdout
    # the rules now find the item listed, as the workflow does
    again = write_yaml(flow.tmp / "again.yaml", proposal(id="P-T-200", item={"ref": pid}))
    run = run_cli("evaluate", again, "--county", MINI, "--db", flow.db, "--format", "json")
    assert run.code == 0, run.stderr
    decision = json.loads(run.stdout)
    assert decision["verdict"] == "not_applicable"
    assert {f["rule"] for f in decision["findings"]} >= {"ADM-LISTED"}
    flow.ok("submit", flow.file(id="P-T-200", item={"ref": pid}),
            actor="department:fire_rescue")
    out = json.loads(flow.ok("review", "P-T-200", "--format", "json", actor="office").stdout)
    assert out["verdict"] == decision["verdict"]
    run = run_cli("check", "--county", MINI, "--db", flow.db)
    assert f" {flow.target_name} " in run.stderr
    golden("errors/workflow_published_lists/lists-from-a-published-version.txt",
           _shown(flow, run.stderr, f"{head[0]}:{head[1]}:{key}"))


def test_without_a_store_the_directory_is_used(tmp_path: Path,
                                               monkeypatch: object) -> None:
    run = run_cli("lists", "build", "--county", MINI, "--street", "S01")
    assert run.code == 0 and run.stderr == ""


def test_a_county_changed_after_publication_is_a_revision(flow: Flow) -> None:
    county = flow.tmp / "county"
    shutil.copytree(MINI, county)
    db = flow.tmp / "other.db"
    flow.db = db
    if not flow.url:
        assert run_cli("store", "init", "--county", county, "--db", db, "--rehearsal",
                       "--local").code == 0
        flow.local = True
    else:
        return  # one PostgreSQL database per test: covered on SQLite
    flow.run_county = county
    pid = flow.to_admitted()
    flow.publish(pid)
    text = (county / "county.yaml").read_text(encoding="utf-8")
    (county / "county.yaml").write_text(text.replace("population: ", "population: 1", 1),
                                        encoding="utf-8")
    pid2 = flow.submit(id="P-T-300", item__name="另一项巡查")
    revisions = flow.sql("SELECT seq, detail FROM duty_audit WHERE action = 'county_revision'")
    assert len(revisions) == 1
    detail = flow.json(revisions[0][1])
    flow.review(pid2)
    (stored,) = flow.sql("SELECT county_revision FROM duty_decision WHERE proposal = ?", pid2)
    assert stored[0] == detail["revision"] != detail["previous"]
    assert run_cli("audit", "verify", "--db", db).code == 0
