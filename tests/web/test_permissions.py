"""Every page and every step refused to the wrong role, another street, another department,
no session and a missing CSRF token; each refusal changes nothing in the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import AppClient, Server, snapshot

PID = "P-PERM-1"
FORM = {"id": PID, "title": "无物业小区消防通道巡查交由街道承担", "department": "fire_rescue",
        "item_kind": "new", "item_name": "无物业小区消防通道巡查", "category": "specialist",
        "phases": "patrol", "legal_basis": "《中华人民共和国消防法》第三十二条",
        "workload_days": "30", "streets": "S01", "mode": "hand_over", "funding": "20000",
        "staff": "0", "work_plan": "on", "urgency": "normal", "higher_level": ""}
STEPS = {"review": {}, "legal": {"result": "passed"},
         "opinion": {"street": "S01", "opinion": "agree", "note": ""},
         "decide": {"outcome": "admit", "body": "区委常委会", "ref": "2026年第1次"},
         "publish": {}, "withdraw": {}}


@pytest.fixture(scope="module")
def server(web_app: Server) -> Iterator[Server]:
    fire = AppClient(web_app).login("fire")
    reply = fire.post("/proposals/new/", {**FORM, "do": "submit"})
    assert reply.status == 302, reply.text[:2000]
    yield web_app


def client(server: Server, user: str | None, role: str | None = None) -> AppClient:
    c = AppClient(server)
    return c.login(user, role) if user else c


def refused_unchanged(server: Server, c: AppClient, path: str, data: dict[str, str] | None = None,
                      *, statuses: tuple[int, ...], csrf: bool = True) -> None:
    before = snapshot(server)
    reply = c.post(path, data, csrf=csrf) if data is not None else c.get(path)
    assert reply.status in statuses, (path, reply.status, reply.text[:300])
    assert "Traceback" not in reply.text
    assert snapshot(server) == before


def test_no_session_is_sent_to_log_in(server: Server) -> None:
    anonymous = client(server, None)
    for path in ("/", "/proposals/", "/proposals/new/", f"/proposals/{PID}/", "/lists/",
                 "/lists/download/?format=csv", "/lists/diff/", "/overview/", "/audit/",
                 "/role/", "/password/"):
        reply = anonymous.get(path)
        assert reply.status == 302 and reply.location and "/login/" in reply.location, path
    for step, data in STEPS.items():
        refused_unchanged(server, anonymous, f"/proposals/{PID}/{step}/", data,
                          statuses=(302,))
    refused_unchanged(server, anonymous, "/proposals/new/", {**FORM, "id": "P-X",
                                                             "do": "submit"}, statuses=(302,))
    assert anonymous.get("/admin/").status == 302


def test_missing_csrf_token_is_refused(server: Server) -> None:
    office = client(server, "office")
    refused_unchanged(server, office, f"/proposals/{PID}/review/", {}, statuses=(403,),
                      csrf=False)
    fire = client(server, "fire")
    refused_unchanged(server, fire, "/proposals/new/", {**FORM, "id": "P-X", "do": "submit"},
                      statuses=(403,), csrf=False)
    refused_unchanged(server, fire, f"/proposals/{PID}/withdraw/", {}, statuses=(403,),
                      csrf=False)
    reply = fire.post("/logout/", {}, csrf=False)
    assert reply.status == 403 and "安全校验" in reply.text


def test_wrong_role_for_every_step(server: Server) -> None:
    # in submitted: only the office reviews; every other role is refused every step
    for user, role in (("fire", None), ("justice", None), ("county", None),
                       ("street", "street:S01")):
        c = client(server, user, role)
        for step, data in STEPS.items():
            if user == "fire" and step == "withdraw":
                continue  # the applicant may withdraw; tested below as another department
            refused_unchanged(server, c, f"/proposals/{PID}/{step}/", data,
                              statuses=(403, 409))


def test_another_department_sees_nothing_and_does_nothing(server: Server) -> None:
    urban = client(server, "urban")
    assert PID not in urban.get("/proposals/").text
    assert PID not in urban.get("/").text
    refused_unchanged(server, urban, f"/proposals/{PID}/", statuses=(404,))
    assert urban.get("/lists/?dept_list=fire_rescue").status == 404
    assert urban.get("/lists/download/?department=fire_rescue&format=md").status == 404
    own = urban.get("/lists/?dept_list=urban_management")
    assert own.status == 200 and 'id="department-list"' in own.text
    for step, data in STEPS.items():
        refused_unchanged(server, urban, f"/proposals/{PID}/{step}/", data, statuses=(404,))
    # nor may it submit in another department's name
    refused_unchanged(server, urban, "/proposals/new/", {**FORM, "id": "P-Y", "do": "submit"},
                      statuses=(400, 403))


def test_another_street_sees_nothing_and_speaks_for_itself_only(server: Server) -> None:
    s03 = client(server, "s03")
    assert PID not in s03.get("/proposals/").text
    refused_unchanged(server, s03, f"/proposals/{PID}/", statuses=(404,))
    for step, data in STEPS.items():
        refused_unchanged(server, s03, f"/proposals/{PID}/{step}/", data, statuses=(404,))
    # a street account sees only its own street's lists
    assert s03.get("/lists/?street=S01").status == 404
    assert s03.get("/lists/download/?street=S01&format=csv").status == 404
    assert s03.get("/lists/download/?street=S03&format=csv").status == 200
    assert s03.get("/lists/?dept_list=fire_rescue").status == 404
    # the street's role it does not hold cannot be chosen
    refused_unchanged(server, s03, "/role/", {"role": "street:S01"}, statuses=(404,))


def test_office_pages_and_admin_are_closed_to_other_roles(server: Server) -> None:
    for user, role in (("fire", None), ("street", "street:S01"), ("justice", None),
                       ("county", None), ("admin", None)):
        c = client(server, user, role)
        assert c.get("/audit/").status == 404, user
        if user != "admin":
            assert c.get("/admin/").status == 302, user  # to the admin's log-in page
        if user in ("fire", "street", "admin"):
            assert c.get("/overview/").status == 404
    admin = client(server, "admin")
    assert admin.get("/admin/").status == 200
    assert admin.get("/admin/auth/user/").status == 200
    assert admin.get(f"/proposals/{PID}/").status == 404


def test_guessing_ids_finds_nothing(server: Server) -> None:
    office = client(server, "office")
    assert office.get("/proposals/P-NOT-THERE/").status == 404
    refused_unchanged(server, office, "/proposals/P-NOT-THERE/review/", {}, statuses=(404,))
    assert office.get("/lists/?version=99").status == 404
    assert office.get("/lists/download/?version=0&format=exe").status == 404
    assert "Traceback" not in office.get("/lists/?version=abc").text


ACCOUNT_POSTS = {"/accounts/new/": {"username": "intruder", "name": "", "roles": "admin",
                                    "password": "Intruder-Pass-99"},
                 "/accounts/user/fire/": {"roles": "admin"},
                 "/accounts/user/fire/disable/": {}, "/accounts/user/admin/disable/": {},
                 "/accounts/user/fire/enable/": {}, "/accounts/user/fire/unlock/": {},
                 "/accounts/user/fire/reset/": {}}


def _account_csv() -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.csv", "账号,角色\nintruder2,账号管理员\n".encode(), "text/csv")


def test_account_pages_are_the_administrators(server: Server) -> None:
    """Only the admin changes accounts; the 编办 reads the list; every other role finds no
    page; without a session or a CSRF token nothing happens either."""
    for user, role in (("fire", None), ("street", "street:S01"), ("justice", None),
                       ("county", None), ("office", None)):
        c = client(server, user, role)
        if user != "office":
            assert c.get("/accounts/").status == 404, user
        for path in ("/accounts/new/", "/accounts/import/", "/accounts/user/fire/"):
            refused_unchanged(server, c, path, statuses=(404,))
        for path, data in ACCOUNT_POSTS.items():
            refused_unchanged(server, c, path, data, statuses=(404,))
        refused_unchanged(server, c, "/accounts/import/", {"file": _account_csv()},
                          statuses=(404,))
    assert client(server, "office").get("/accounts/").status == 200
    anonymous = client(server, None)
    for path in ("/accounts/", "/accounts/new/", "/accounts/import/"):
        reply = anonymous.get(path)
        assert reply.status == 302 and reply.location and "/login/" in reply.location
    for path, data in ACCOUNT_POSTS.items():
        refused_unchanged(server, anonymous, path, data, statuses=(302,))
    admin = client(server, "admin")
    for path, data in ACCOUNT_POSTS.items():
        refused_unchanged(server, admin, path, data, statuses=(403,), csrf=False)
    refused_unchanged(server, admin, "/accounts/import/", {"file": _account_csv()},
                      statuses=(403,), csrf=False)
    refused_unchanged(server, admin, "/accounts/user/fire/delete/", {}, statuses=(404,))
    refused_unchanged(server, admin, "/accounts/user/nobody/disable/", {}, statuses=(404,))


def test_the_import_pages_are_the_offices(server: Server) -> None:
    anonymous = client(server, None)
    for path in ("/import/", "/import/review/"):
        reply = anonymous.get(path)
        assert reply.status == 302 and reply.location and "/login/" in reply.location, path
    refused_unchanged(server, anonymous, "/import/confirm/", {"fingerprint": "x"},
                      statuses=(302,))
    for user, role in (("admin", None), ("fire", None), ("justice", None), ("county", None),
                       ("street", "street:S01")):
        c = client(server, user, role)
        for path in ("/import/", "/import/review/"):
            refused_unchanged(server, c, path, statuses=(404,))
        refused_unchanged(server, c, "/import/", {}, statuses=(404,))
        refused_unchanged(server, c, "/import/review/", {"item": "x", "category": "specialist"},
                          statuses=(404,))
        refused_unchanged(server, c, "/import/confirm/", {"fingerprint": "x", "revision": "y"},
                          statuses=(404,))
    office = client(server, "office")
    assert office.get("/import/").status == 200
    # nothing uploaded: nothing to correct or confirm
    refused_unchanged(server, office, "/import/review/", {"item": "x"}, statuses=(404,))
    refused_unchanged(server, office, "/import/confirm/", {"fingerprint": "x", "revision": "y"},
                      statuses=(404,))
    refused_unchanged(server, office, "/import/confirm/", {"fingerprint": "x"}, statuses=(403,),
                      csrf=False)


def test_publishing_several_and_attachments_are_closed_to_others(server: Server) -> None:
    # the office's page to publish several proposals as one version, and the attachments of
    # the reviewers' notes: no session → log in; no CSRF token → refused; other roles → not
    # found; each refusal changes nothing
    anonymous = client(server, None)
    for path in ("/proposals/publish/", f"/proposals/{PID}/attachments/1/"):
        reply = anonymous.get(path)
        assert reply.status == 302 and reply.location and "/login/" in reply.location, path
    refused_unchanged(server, anonymous, "/proposals/publish/", {"proposals": PID},
                      statuses=(302,))
    refused_unchanged(server, client(server, "office"), "/proposals/publish/",
                      {"proposals": PID}, statuses=(403,), csrf=False)
    for user, role in (("fire", None), ("urban", None), ("justice", None), ("county", None),
                       ("street", "street:S01"), ("s03", None), ("admin", None)):
        c = client(server, user, role)
        assert c.get("/proposals/publish/").status == 404, user
        refused_unchanged(server, c, "/proposals/publish/", {"proposals": PID},
                          statuses=(404,))
    # not admitted: the office is told next to the field, and nothing is published
    office = client(server, "office")
    before = snapshot(server)
    reply = office.post("/proposals/publish/", {"proposals": PID})
    assert reply.status == 400 and f"申请 {PID} 不是已准入待公布的申请" in reply.text
    assert snapshot(server) == before
    # a review note's attachment that does not exist, or of a proposal one may not read
    for user, role in (("office", None), ("urban", None), ("s03", None)):
        assert client(server, user, role).get(f"/proposals/{PID}/attachments/1/").status \
            == 404, user
