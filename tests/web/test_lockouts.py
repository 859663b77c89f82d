"""Log-in lock-outs that cannot be turned against the office: the client's address comes from
trusted proxies only, a lock holds for one account at one address, and the admin sees the
current lock-outs and lifts them (an audit entry; a refusal changes nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine.web.clientip import client_address, trusted
from tests.web.conftest import ACCOUNTS
from tests.web.inprocess import web_site

PROXY = "10.0.0.2"


def test_the_client_address_is_believed_from_trusted_proxies_only() -> None:
    proxies = trusted("10.0.0.0/24, ::1")
    assert client_address("203.0.113.9", "198.51.100.1", proxies) == "203.0.113.9"  # spoofed
    assert client_address(PROXY, "198.51.100.1", proxies) == "198.51.100.1"
    # a client's own X-Forwarded-For is passed on by the proxy: the right-most untrusted wins
    assert client_address(PROXY, "1.2.3.4, 198.51.100.1", proxies) == "198.51.100.1"
    assert client_address(PROXY, "198.51.100.1, 10.0.0.7", proxies) == "198.51.100.1"
    assert client_address(PROXY, None, proxies) == PROXY
    assert client_address("::1", "2001:db8::5", proxies) == "2001:db8::5"
    with pytest.raises(ValueError, match="DUTY_TRUSTED_PROXIES"):
        trusted("10.0.0.0/33")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with web_site(tmp_path_factory.mktemp("lockouts")) as login:
        yield login


def _login(client: Any, account: str, password: str, address: str) -> int:
    reply = client.post("/login/", {"username": account, "password": password},
                        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return reply.status_code


def _store_rows() -> tuple[int, int]:
    """(audit entries, lock-out records) in the store."""
    from axes.models import AccessAttempt

    from engine.store.orm import m

    return m.AuditEntry.objects.count(), AccessAttempt.objects.count()


def test_a_lock_holds_one_account_at_one_address_and_the_admin_lifts_it(
        site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    monkeypatch.setenv("DUTY_TRUSTED_PROXIES", "10.0.0.0/24")
    attacker, office = "198.51.100.66", "198.51.100.10"
    for _ in range(4):
        assert _login(Client(), "county", "wrong-password", attacker) == 200
    assert _login(Client(), "county", "wrong-password", attacker) == 429  # the fifth locks
    assert _login(Client(), "county", ACCOUNTS["county"][1], attacker) == 429
    # behind the same proxy, the account's owner at another address is not locked out
    assert _login(Client(), "county", ACCOUNTS["county"][1], office) == 302
    # a header sent straight to the server is not believed: the peer's address counts
    straight = Client().post("/login/", {"username": "county",
                                         "password": ACCOUNTS["county"][1]},
                             REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=attacker)
    assert straight.status_code == 302

    admin = site("admin")
    page = admin.get("/lockouts/").content.decode()
    assert "county" in page and attacker in page and office not in page
    from axes.models import AccessAttempt

    locked = AccessAttempt.objects.get(username="county", ip_address=attacker)
    before = _store_rows()
    for other in ("office", "county", "fire"):  # only the admin lifts; nothing changes
        assert site(other).post(f"/lockouts/{locked.pk}/lift/").status_code == 404
        assert site(other).get("/lockouts/").status_code == 404
    assert _store_rows() == before
    reply = admin.post(f"/lockouts/{locked.pk}/lift/")
    assert reply.status_code == 302
    from engine.store.orm import m

    entry = m.AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "lockout_lift" and entry.account == "admin"
    assert entry.detail["username"] == "county"
    after = admin.get("/lockouts/").content.decode()
    assert "已解除账号 county" in after and 'id="no-lockouts"' in after
    assert _login(Client(), "county", ACCOUNTS["county"][1], attacker) == 302
    again = admin.post(f"/lockouts/{locked.pk}/lift/")  # gone: said so, nothing written
    assert again.status_code == 404 and "已不存在" in again.content.decode()
