"""The client's address for log-in throttling: the peer's address, unless the peer is one of the
trusted proxies configured in ``DUTY_TRUSTED_PROXIES`` (addresses or networks, comma-separated).
Behind trusted proxies the address is taken from ``X-Forwarded-For`` from the right: the first
address that is not a trusted proxy is the client (what each trusted proxy appended). A header
sent by anyone else is ignored, so nobody can pose as another address, and users behind one
proxy are still told apart.
"""

from __future__ import annotations

import ipaddress
import os
from functools import cache
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def trusted(setting: str) -> tuple[Network, ...]:
    """The trusted proxies of a ``DUTY_TRUSTED_PROXIES`` value (malformed entries: an error
    at start-up, not a silently open door)."""
    out = []
    for part in setting.split(","):
        if part.strip():
            try:
                out.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ValueError(f"DUTY_TRUSTED_PROXIES 中的 “{part.strip()}” 不是地址或网段")\
                    from None
    return tuple(out)


def _is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(peer: str, forwarded: str | None, proxies: tuple[Network, ...]) -> str:
    """The client's address given the peer's, the X-Forwarded-For header and the proxies."""
    if not _is_trusted(peer, proxies) or not forwarded:
        return peer
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def client_ip(request: Any) -> str:
    """django-axes' ``AXES_CLIENT_IP_CALLABLE``."""
    meta = request.META
    return client_address(meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR"),
                          trusted(os.environ.get("DUTY_TRUSTED_PROXIES", "")))
