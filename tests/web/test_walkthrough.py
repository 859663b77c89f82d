"""A new county's week in the browser (Debian's chromium, a real ``duty serve``), on SQLite
and on PostgreSQL. The county starts with its administrator alone, who:

- creates the office's accounts from a CSV file; each person changes the temporary password
  at the first log-in before anything else;
- the fire brigade's proposal is returned (no funds move with the task), resubmitted from
  the form filled with what was submitted, reviewed with a note, a basis and an attachment,
  given a legal opinion, heard by its two streets and admitted by the county;
- a recall of a listed item goes the same way, and the office publishes both proposals as
  one version: the new row stands on exactly the two streets, and the audit verifies;
- the administrator resets one password and lifts one lock-out.

The screenshots are written to the test's directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import Person, log_in
from tests.web.conftest import ACCOUNTS, Server, pg_served, start, stop

pytestmark = pytest.mark.browser

ADMIN = {"admin": ACCOUNTS["admin"]}  # a new county: its administrator alone
PID, RECALL = "P-WEB-001", "P-WEB-002"
TARGETS = ["S01", "S02"]
CSV = ("账号,姓名,角色,部门/街道,备注\n"
       "xf-li,李华,职能部门,区消防救援大队,\n"
       "bb-zhao,赵强,县委编办,,\n"
       "sf-qian,钱进,司法局,,\n"
       "jfl-sun,孙丽,街道,解放路街道,S01\n"
       "rm-zhou,周平,街道,人民路街道,S02\n"
       "qw-wu,吴刚,县委或县政府,,\n").encode("gb18030")  # as Chinese Excel saves a CSV
STREET_OF = {"S01": "jfl-sun", "S02": "rm-zhou"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def own_password(username: str) -> str:
    return f"Week-{username}-2026!"


@pytest.fixture(scope="module")
def new_county_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("week")
    server = start(folder, {"DUTY_DB": str(folder / "duty.db")}, ADMIN)
    yield server
    stop(server)


@pytest.fixture(scope="module")
def new_county_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from pg_served(tmp_path_factory, ADMIN)


def temporary_passwords(page: Any) -> dict[str, str]:
    page.wait_for_selector("#temporary-passwords")
    rows = page.locator("#temporary-passwords tbody tr")
    return {rows.nth(i).locator("td.account").inner_text():
            rows.nth(i).locator("code.password").inner_text() for i in range(rows.count())}


def first_log_in(browser: Any, server: Server, username: str, temporary: str,
                 shots: Path) -> Person:
    """The person's first log-in: the password page comes before any other."""
    person = Person(browser, server, username, shots, password=temporary)
    page = person.page
    page.wait_for_selector("#must-change")
    page.goto(server.url + "/proposals/")
    assert page.url.endswith("/password/")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", own_password(username))
    page.fill("#id_new_password2", own_password(username))
    page.click("section.narrow button[type=submit]")
    page.wait_for_selector("ul.messages")
    assert not page.url.endswith("/password/")
    return person


def review(office: Person, pid: str, note: str = "", basis: str = "",
           attachment: bytes | None = None) -> None:
    office.open(pid)
    form = office.page.locator("#review-form")
    form.locator("textarea[name=text]").fill(note)
    form.locator("textarea[name=basis]").fill(basis)
    if attachment is not None:
        form.locator("input[name=attachments]").set_input_files(files=[{
            "name": "审核意见.pdf", "mimeType": "application/pdf", "buffer": attachment}])
    before = office.state()
    office.page.click("#do-review")
    office.page.wait_for_selector(f"#state:not([data-state={before}])")


def carry(people: dict[str, Person], pid: str, shots: bool = False) -> None:
    """Take a submitted proposal through the steps to admission, each by its own party."""
    office, justice, county = people["bb-zhao"], people["sf-qian"], people["qw-wu"]
    for _ in range(8):
        office.open(pid)
        state = office.state()
        if state == "admitted":
            return
        if state == "submitted":
            review(office, pid)
        elif state == "legal_review":
            justice.open(pid)
            form = justice.page.locator("#legal-form")
            form.locator("textarea[name=text]").fill("经审查，该申请的依据合法有效，程序符合规定。")
            form.locator("textarea[name=basis]").fill("《中华人民共和国消防法》第三十二条")
            justice.page.click("#do-legal-pass")
            justice.page.wait_for_selector("#state[data-state=hearing]")
            if shots:
                justice.shot("07-legal-opinion")
        elif state == "hearing":
            for sid, name in STREET_OF.items():
                street = people[name]
                street.open(pid)
                if street.page.locator("#do-opinion").count():
                    street.page.check("input[name=opinion][value=agree]")
                    street.page.fill("textarea[name=note]", f"{sid} 同意承担")
                    street.page.click("#do-opinion")
                    street.page.wait_for_selector("#opinions")
        elif state == "deliberation":
            county.open(pid)
            county.page.check("input[name=outcome][value=admit]")
            county.page.fill("input[name=body]", "区委常委会")
            county.page.fill("input[name=ref]", "2026年第12次")
            county.page.click("#do-decide")
            county.page.wait_for_selector("#state[data-state=admitted]")
        else:
            pytest.fail(f"{pid} stopped at {state}")
    pytest.fail(f"{pid} was not admitted")


def accounts_from_a_csv(browser: Any, server: Server, shots: Path) -> dict[str, Person]:
    admin = Person(browser, server, "admin", shots)
    page = admin.page
    page.click("#accounts-link")
    page.click("#import-accounts")
    page.set_input_files("#id_file", files=[{"name": "账号.csv", "mimeType": "text/csv",
                                             "buffer": CSV}])
    page.click("#import-button")
    issued = temporary_passwords(page)
    assert sorted(issued) == sorted(["xf-li", "bb-zhao", "sf-qian", "jfl-sun", "rm-zhou",
                                     "qw-wu"])
    admin.shot("01-accounts-imported")
    page.click("#back-to-accounts")
    row = page.locator("#accounts tr[data-account='jfl-sun']")
    assert "解放路街道（街道）" in row.inner_text() and "须修改密码" in row.inner_text()
    people = {"admin": admin}
    for username, temporary in issued.items():
        people[username] = first_log_in(browser, server, username, temporary, shots)
    people["jfl-sun"].shot("02-first-log-in-done")
    return people


def returned_then_resubmitted(server: Server, people: dict[str, Person]) -> None:
    fire, office = people["xf-li"], people["bb-zhao"]
    page = fire.page
    page.goto(server.url + "/proposals/new/")
    page.fill("#id_id", PID)
    page.fill("#id_title", "无物业小区消防通道巡查交由街道承担")
    page.fill("#id_item_name", "无物业小区消防通道巡查")
    page.select_option("#id_category", "specialist")
    for phase in ("patrol", "report"):
        page.check(f"input[name=phases][value={phase}]")
    page.fill("#id_legal_basis", "《中华人民共和国消防法》第三十二条")
    page.fill("#id_workload_days", "30")
    for sid in TARGETS:
        page.check(f"input[name=streets][value={sid}]")
    page.select_option("#id_mode", "hand_over")
    page.fill("#id_funding", "0")  # no funds move with the task: the office will return it
    page.click("#preview-button")
    page.wait_for_selector("#preview .decision")
    preview = page.inner_text("#preview")
    assert "退回补正" in preview and "FUND-TRANSFER" in preview
    fire.shot("03-preview-says-return")
    page.click("#submit-button")
    page.wait_for_selector("#state[data-state=submitted]")

    office.page.goto(server.url + "/")
    assert PID in office.page.inner_text("#todo")
    review(office, PID, note="交由街道承担须随事转移经费，请补充后重新提交。")
    assert office.state() == "returned"
    assert office.page.inner_text("#state") == "已退回待补正"  # not a rejection
    office.shot("04-returned")

    fire.open(PID)
    fire.page.click("#do-resubmit")
    page.wait_for_selector("#prefilled")
    assert page.input_value("#id_id") == PID
    assert page.input_value("#id_item_name") == "无物业小区消防通道巡查"
    assert page.input_value("#id_workload_days") == "30"
    assert page.is_checked("input[name=streets][value=S02]")
    fire.shot("05-resubmission-prefilled")
    page.fill("#id_funding", "20000")
    page.check("#id_work_plan")
    page.click("#submit-button")
    page.wait_for_selector("#state[data-state=submitted]")

    office.open(PID)
    changes = office.page.inner_text("#changes")
    assert "每街道每年经费\t0 元\t20,000 元" in changes and "工作方案\t未附\t附有" in changes
    assert "ASG-SPEC" in office.page.inner_text("#assessment")
    review(office, PID, note="经费随事转移，工作量测算合理，同意转合法性审查。",
           basis="《街道管理体制改革调查》三（二）：费随事转", attachment=PDF)
    assert office.state() == "legal_review"
    notes = office.page.inner_text("#notes")
    assert "经费随事转移" in notes and "审核意见.pdf" in notes
    office.shot("06-reviewed-with-a-note")


def recall(server: Server, fire: Person) -> None:
    page = fire.page
    page.goto(server.url + "/proposals/new/")
    page.check("input[name=change][value=recall]")
    page.fill("#id_id", RECALL)
    page.fill("#id_title", "“九小场所”消防监督检查收回区消防救援大队")
    page.check("input[name=item_kind][value=ref]")
    page.select_option("#id_item_ref", "XF-003")
    for sid in TARGETS:
        page.check(f"input[name=streets][value={sid}]")
    page.check("#id_work_plan")
    page.click("#submit-button")
    page.wait_for_selector("#state[data-state=submitted]")


def published_as_one_version(server: Server, office: Person) -> None:
    page = office.page
    page.goto(server.url + "/proposals/publish/")
    for pid in (PID, RECALL):
        page.check(f"input[name=proposals][value={pid}]")
    office.shot("09-publish-two")
    page.click("#do-publish-several")
    page.wait_for_load_state()
    for pid in (PID, RECALL):
        office.open(pid)
        assert office.state() == "published"
        assert "清单第 1 版" in page.inner_text("dl.facts")

    # the version's changes: the new row and the recalled item on exactly the target streets
    page.goto(f"{server.url}/lists/diff/?from=0&to=1")
    rows = page.locator("#diff tbody tr").all_inner_texts()
    streets = ["人民路街道", "解放路街道"]  # S02, S01
    assert sorted(r.split("\t")[0] for r in rows if PID in r) == streets
    assert sorted(r.split("\t")[0] for r in rows if "XF-003" in r) == streets
    assert len(rows) == 4
    office.shot("10-version-diff")
    for sid, carries in (("S01", True), ("S03", False)):
        page.goto(f"{server.url}/lists/?version=1&street={sid}")
        assert page.locator(f"#list-tables tr[data-item='{PID}']").count() == int(carries)
    assert "清单版本：第 1 版" in page.inner_text("#list-tables .title-block")
    office.shot("11-published-list-S03")
    page.goto(f"{server.url}/audit/?verify=1")
    assert "审计记录完好" in page.inner_text("#verdict")


def reset_and_unlock(browser: Any, server: Server, admin: Person, shots: Path) -> None:
    page = admin.page
    page.goto(server.url + "/accounts/")
    page.locator("#accounts tr[data-account='rm-zhou'] button.reset").click()
    temporary = temporary_passwords(page)["rm-zhou"]
    admin.shot("12-reset")
    street = first_log_in(browser, server, "rm-zhou", temporary, shots)
    assert "待办" in street.page.inner_text("header")
    street.context.close()

    # five wrong passwords lock the account at this address, the right one included
    context = browser.new_context(locale="zh-CN")
    locked = context.new_page()
    for _ in range(5):
        log_in(locked, server, "jfl-sun", "not-the-password")
    log_in(locked, server, "jfl-sun", own_password("jfl-sun"))
    assert "暂时不能登录" in locked.inner_text("body")
    locked.screenshot(path=str(shots / "13-locked-out.png"), full_page=True)
    page.goto(server.url + "/accounts/")
    row = page.locator("#accounts tr[data-account='jfl-sun']")
    assert "登录已锁定" in row.inner_text()
    admin.shot("14-lock-out-shown")
    row.locator("button.unlock").click()
    page.wait_for_load_state()
    assert "登录已锁定" not in page.locator("#accounts tr[data-account='jfl-sun']").inner_text()
    log_in(locked, server, "jfl-sun", own_password("jfl-sun"))
    assert "待办" in locked.inner_text("header")
    locked.screenshot(path=str(shots / "15-unlocked.png"), full_page=True)
    context.close()


def week(browser: Any, server: Server, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    people = accounts_from_a_csv(browser, server, shots)
    returned_then_resubmitted(server, people)
    carry(people, PID, shots=True)
    people["qw-wu"].shot("08-admitted")
    recall(server, people["xf-li"])
    carry(people, RECALL)
    published_as_one_version(server, people["bb-zhao"])
    reset_and_unlock(browser, server, people["admin"], shots)
    for person in people.values():
        person.context.close()


def test_a_new_countys_week_sqlite(browser: Any, new_county_sqlite: Server,
                                   tmp_path: Path) -> None:
    week(browser, new_county_sqlite, tmp_path / "screenshots")


def test_a_new_countys_week_postgresql(browser: Any, new_county_pg: Server,
                                       tmp_path: Path) -> None:
    week(browser, new_county_pg, tmp_path / "screenshots")
