"""A published version keeps what changed since the version before, and gives back its lists
byte for byte: the same JSON as the lists built the way versions were kept before (whole),
and the same documents in every format. A tampered change is named by `duty audit verify`;
a store whose versions were kept whole migrates, verifies, reads the same, and is converted
by the next write under an audit entry of its own."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from engine.store import list_parts as lp
from tests.conftest import MINI, run_cli
from tests.store.test_upgrade import migrated_back, whole_lists_release
from tests.store.test_verify import kinds, verify
from tests.workflow.conftest import Flow

FORMATS = ("json", "csv", "md", "html")


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> dict[int, str]:
    """Each version's lists as built the way they were kept before (the whole lists' JSON),
    by number, as they are published."""
    import engine.workflow.service as service
    from engine.lists.build import build_lists

    kept = service.keep_version
    out: dict[int, str] = {}

    def keep(number: int, at: Any, ws: Any, *rest: Any) -> Any:
        out[number] = build_lists(ws).model_dump_json()
        return kept(number, at, ws, *rest)

    monkeypatch.setattr(service, "keep_version", keep)
    return out


def _publish_versions(flow: Flow) -> None:
    """Three versions after version 0: an item for every street, an item for one street, and
    two proposals together, one taking back from a street what the first added."""
    flow.publish(flow.to_admitted(id="P-V-1"))
    flow.publish(flow.to_admitted(id="P-V-2", item__name="另一项巡查", streets=["S01"]))
    third = flow.to_admitted(id="P-V-3", item__name="第三项巡查", item__workload_days=12)
    fourth = flow.to_admitted(id="P-V-4", item__name="第四项巡查", streets=["S02", "S03"])
    flow.publish(third, fourth)


def _rendered(lists_json: str, number: int, flow: Flow, fmt: str) -> str | bytes:
    """A version's lists rendered as `lists build --version` renders them, from ``lists_json``."""
    from engine.api import version_anchor, version_lists
    from engine.models.lists import CountyLists
    from engine.render.lists_files import render_lists
    from engine.store.config import store_target

    target = store_target(flow.db)
    names = version_lists(target, number)[1]
    return render_lists(CountyLists.model_validate_json(lists_json), names, fmt,
                        version_anchor(target, number), False)


def _same_as(flow: Flow, expected: dict[int, str]) -> None:
    """Every version reads back as ``expected`` (its JSON), byte for byte, and `lists build
    --version` writes the same documents as from those lists."""
    from engine.api import version_lists
    from engine.store.config import store_target

    for number, text in expected.items():
        assert version_lists(store_target(flow.db), number)[0].model_dump_json() == text
        for fmt in FORMATS:
            out = flow.tmp / f"v{number}.{fmt}"
            run = run_cli("lists", "build", "--version", str(number), "--db", flow.db,
                          "--format", fmt, "-o", out)
            assert run.code == 0, run.stderr
            rendered = _rendered(text, number, flow, fmt)
            assert out.read_bytes() == (rendered.encode() if isinstance(rendered, str)
                                        else rendered), (number, fmt)
    last = max(expected)
    out = flow.tmp / f"v{last}.xlsx"
    run = run_cli("lists", "build", "--version", str(last), "--db", flow.db, "--format", "xlsx",
                  "--street", "S01", "-o", out)
    assert run.code == 0, run.stderr
    data = json.loads(expected[last])
    data["streets"] = [s for s in data["streets"] if s["street"] == "S01"]
    data["departments"] = []
    assert _same_workbook(out.read_bytes(),
                          _rendered(lp.dumps(data), last, flow, "xlsx"))  # type: ignore[arg-type]


def _same_workbook(a: bytes, b: bytes) -> bool:
    """Two workbooks with the same sheets (their files but the times they were written)."""
    import io
    import zipfile

    def files(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}

    return files(a) == files(b)


@pytest.mark.parametrize(("old", "new"), [
    ({"basic": [{"item": "A", "x": 1}, {"item": "B", "x": 2}], "n": 1},
     {"basic": [{"item": "C", "x": 0}, {"item": "A", "x": 1}, {"item": "B", "x": 3}], "n": 1}),
    ({"basic": [{"item": "A"}, {"item": "B"}]}, {"basic": [{"item": "B"}, {"item": "A"}]}),
    ({"owed": {"S1": 1, "S3": 3}}, {"owed": {"S1": 1, "S2": 2, "S3": 4}}),
    ({"streets": ["S1", "S2", "S3"]}, {"streets": ["S1", "S3", "S4"]}),
    ({"l": ["a", "a"], "v": 1, "b": True}, {"l": ["a"], "v": True, "b": 1}),
    ({"basic": [{"item": "A"}]}, {"basic": []}),
    ({"basic": []}, {"basic": [{"item": "A", "名称": "甲"}]}),
])
def test_a_change_gives_the_part_back(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Rows put in, taken out, changed and reordered; entries of objects and of lists of
    distinct strings; values of another type: the part comes back as the same JSON."""
    delta = lp.change(old, new)
    assert delta is not None and lp.change(new, new) is None
    back = lp.apply(old, lp.unpack(lp.pack(delta)))
    assert lp.dumps(back) == lp.dumps(new)


def test_a_part_given_as_its_json_keeps_the_same_change() -> None:
    """A part given as its JSON (as the streets' parts are published) keeps the change the
    part given as a value keeps: whole when new, nothing when unchanged, row by row when
    changed; a part gone is None either way."""
    old = {"basic": [{"item": "A", "x": 1}, {"item": "B", "x": 2}], "name": "甲"}
    changed = {"basic": [{"item": "A", "x": 1}, {"item": "B", "x": 3}], "name": "甲"}
    before = lp.chains(lp.changes({}, [("s:1", old), ("s:2", old), ("s:4", old)]))
    after = [("s:1", old), ("s:2", changed), ("s:3", changed)]
    as_json = [(key, lp.Json(lp.dumps(value).encode("utf-8"))) for key, value in after]
    assert list(lp.changes(before, as_json)) == list(lp.changes(before, after))
    assert [key for key, _ in lp.changes(before, as_json)] == ["s:2", "s:3", "s:4"]
    assert list(lp.changes({}, as_json)) == list(lp.changes({}, after))


def _sizes(flow: Flow) -> dict[int, tuple[int, int]]:
    """Per version: the parts it keeps and their bytes."""
    rows = flow.sql("SELECT version, COUNT(*), SUM(LENGTH(change)) FROM duty_version_part "
                    "GROUP BY version ORDER BY version")
    return {int(v): (int(n), int(b or 0)) for v, n, b in rows}


def test_every_version_reads_back_byte_for_byte(flow: Flow, built: dict[int, str]) -> None:
    _publish_versions(flow)
    assert sorted(built) == [1, 2, 3]
    version0 = flow.sql("SELECT COUNT(*) FROM duty_version_part WHERE version = 0")[0][0]
    assert version0 > 1  # version 0 (made before the fixture) is kept whole, part by part
    built[0] = _version0(flow)
    _same_as(flow, built)
    code, report = verify(flow)
    assert (code, report["problems"]) == (0, [])


def _version0(flow: Flow) -> str:
    """Version 0 built as it was kept before, from the county the store began with."""
    from engine.api import county_workspace
    from engine.lists.build import build_lists
    from engine.loading.dated import at_date
    from engine.times import time_text

    at = flow.sql("SELECT at FROM duty_version WHERE number = 0")[0][0]
    day = flow.time(at)[:10] if not hasattr(at, "date") else time_text(at)[:10]
    from datetime import date

    return build_lists(at_date(county_workspace(MINI), date.fromisoformat(day))) \
        .model_dump_json()


def test_a_version_keeps_only_what_changed(flow: Flow) -> None:
    """One item for one street: the version keeps that street's new row, the item's absence
    from the others and its department's list, not the county again."""
    flow.publish(flow.to_admitted(id="P-V-2", item__name="另一项巡查", streets=["S01"]))
    sizes = _sizes(flow)
    streets = flow.sql("SELECT COUNT(*) FROM duty_version_part WHERE version = 0 "
                       "AND part LIKE ?", "s:%")[0][0]
    assert sizes[1][1] * 4 < sizes[0][1], sizes  # a quarter of the whole lists at most
    for part, change in flow.sql("SELECT part, change FROM duty_version_part "
                                 "WHERE version = 1"):
        delta = lp.unpack(bytes(change))
        if part.startswith(lp.STREET):  # rows put in, not the street's lists again
            assert lp.REPLACE not in delta and set(delta) <= {"~"}, (part, delta)
            for _, row_change in delta["~"]:
                assert lp.REPLACE not in row_change
    assert sizes[1][0] <= streets + 2  # the streets, the department, nothing else


def test_a_tampered_change_is_named(flow: Flow) -> None:
    flow.publish(flow.to_admitted(id="P-V-1"))
    key, seq, change = flow.sql("SELECT key, audit_seq, change FROM duty_version_part "
                                "WHERE version = 1 AND part LIKE ? ORDER BY key", "s:%")[0]
    delta = lp.unpack(bytes(change))
    edited = json.loads(lp.dumps(delta).replace('"name":"', '"name":"伪', 1))
    assert edited != delta
    flow.sql("UPDATE duty_version_part SET change = ? WHERE key = ?", lp.pack(edited), key)
    code, report = verify(flow)
    assert code == 1 and (int(seq), "rows") in kinds(report)
    flow.sql("UPDATE duty_version_part SET change = ? WHERE key = ?", bytes(change), key)
    assert verify(flow)[0] == 0
    flow.sql("DELETE FROM duty_version_part WHERE key = ?", key)
    code, report = verify(flow)
    assert code == 1 and (int(seq), "rows") in kinds(report)


# -- a store whose versions were kept whole ------------------------------------------------


@pytest.fixture
def whole_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str) -> Iterator[Flow]:
    """A store as the release before kept it: two versions after version 0, each version's
    lists whole (zlib-compressed JSON) in its row."""
    import engine.store.records as models
    import engine.store.session as session
    from tests.workflow.conftest import _clean_environment, pg_database

    old_migrate = migrated_back("publication", "0001")
    with ExitStack() as stack:
        url = stack.enter_context(pg_database(migrated=False)) if engine == "postgresql" else None
        with monkeypatch.context() as old:
            whole_lists_release(old)
            old.setattr(models, "COVERED", tuple(t for t in models.COVERED
                                                 if t is not models.ListPart))
            old.setattr(session, "migrate", old_migrate)
            old.setattr(session, "_pending_migrations", lambda alias: ([], set()))
            _clean_environment(monkeypatch)
            flow = Flow(tmp_path, monkeypatch, url)
            flow.publish(flow.to_admitted(id="P-V-1"))
            flow.publish(flow.to_admitted(id="P-V-2", item__name="另一项巡查",
                                          streets=["S01"]))
        yield flow


def _whole(flow: Flow) -> dict[int, str]:
    return {int(n): zlib.decompress(bytes(blob)).decode() for n, blob in flow.sql(
        "SELECT number, lists FROM duty_version ORDER BY number")}


def test_a_store_of_whole_versions_migrates_and_is_converted(whole_store: Flow) -> None:
    flow = whole_store
    expected = _whole(flow)
    assert sorted(expected) == [0, 1, 2]
    run = run_cli("store", "migrate", "--db", flow.db, "--format", "json")
    assert run.code == 0, run.stderr
    assert "publication.0002_version_changes" in json.loads(run.stdout)["applied"]
    code, report = verify(flow)
    assert (code, report["problems"]) == (0, [])
    assert flow.sql("SELECT COUNT(*) FROM duty_version_whole") == [(3,)]
    _same_as(flow, expected)
    # the next write converts them under an entry of its own
    flow.submit(id="P-V-3", item__name="第三项巡查")
    assert flow.sql("SELECT COUNT(*) FROM duty_version_whole") == [(0,)]
    entry = flow.sql("SELECT seq, detail FROM duty_audit WHERE action = 'versions_converted'")
    assert len(entry) == 1
    seq, detail = int(entry[0][0]), flow.json(entry[0][1])
    assert detail["versions"] == {str(n): lp.digest(t) for n, t in expected.items()}
    assert detail["kept_whole"] == []
    assert {r[0] for r in flow.sql("SELECT DISTINCT audit_seq FROM duty_version_part")} == {seq}
    code, report = verify(flow)
    assert (code, report["problems"]) == (0, [])
    _same_as(flow, expected)
    sizes = _sizes(flow)
    assert sizes[2][1] * 4 < sizes[0][1]
    # a tampered converted change is named under the conversion's entry
    key, = flow.sql("SELECT key FROM duty_version_part WHERE version = 1 ORDER BY key")[0]
    flow.sql("UPDATE duty_version_part SET change = ? WHERE key = ?",
             lp.pack({lp.REPLACE: {}}), key)
    code, report = verify(flow)
    assert code == 1 and (seq, "rows") in kinds(report)


def test_lists_kept_whole_are_checked_against_their_digest(whole_store: Flow) -> None:
    flow = whole_store
    assert run_cli("store", "migrate", "--db", flow.db).code == 0
    blob = flow.sql("SELECT lists FROM duty_version_whole WHERE version = 1")[0][0]
    text = zlib.decompress(bytes(blob)).decode().replace("承担", "不承担", 1)
    flow.sql("UPDATE duty_version_whole SET lists = ? WHERE version = 1",
             zlib.compress(text.encode()))
    code, report = verify(flow)
    seq = int(flow.sql("SELECT audit_seq FROM duty_version WHERE number = 1")[0][0])
    assert code == 1 and (seq, "rows") in kinds(report)
