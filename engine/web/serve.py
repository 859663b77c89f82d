"""``duty serve``: prepare the store for the web (its tables, the signing key) and hand over to
gunicorn, whose workers are uvicorn's (the ASGI application of ``engine.web.asgi``)."""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

from engine.errors import PortBusyError, StoreError, UsageError

WORKER_CLASS = "uvicorn_worker.UvicornWorker"


def environment(county: Path | None, db: Path | None) -> dict[str, str]:
    """The variables the web application's settings read."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "engine.web.settings"
    if county is not None:
        env["DUTY_COUNTY"] = str(Path(county).resolve())
    if db is not None:
        env["DUTY_DB"] = str(Path(db).resolve())
    return env


def prepare(env: dict[str, str]) -> None:
    """Open the store once with the web's settings before any worker starts: a store whose
    schema is behind is refused (``duty store migrate`` first) and the audit key is checked
    (then every connection is closed)."""
    os.environ.update(env)
    from engine.store.config import store_target

    target = store_target()
    if target.engine == "sqlite" and not target.sqlite_path.is_file():  # before any file is made
        raise StoreError(f"数据库不存在：{target.sqlite_path}", store=target.shown,
                         reason="missing",
                         hint="先用 duty store init 创建数据库并用 duty user add 添加账号；"
                              "演示可用 make serve。")
    import django

    django.setup()
    from django.db import connections

    from engine.workflow.stores import open_keyed

    store = open_keyed(target)
    from engine.store.session import close

    close(store)
    connections.close_all()


def check_port(host: str, port: int) -> None:
    """Fail, before anything is printed or started, when another program listens on the
    address (bound as gunicorn binds it, with SO_REUSEADDR, then let go at once)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise UsageError(f"不能在 {host} 的端口 {port} 上监听：{exc.strerror}",
                                 hint="检查 --host 是否为本机地址。") from None
            other = port + 1 if port < 65535 else 8000
            raise PortBusyError(f"端口 {port} 已被占用（{host}），网页应用没有启动",
                                host=host, port=port,
                                hint=f"用 --port 换一个端口，例如 --port {other}；"
                                     "或先停止占用该端口的程序。") from None


def serve(county: Path | None, db: Path | None, host: str, port: int, workers: int) -> None:
    if workers < 1 or not 0 < port < 65536:
        raise UsageError("--workers 至少为 1，--port 须在 1–65535 之间")
    env = environment(county, db)
    prepare(env)
    check_port(host, port)
    hosts = {h for h in env.get("DUTY_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")}
    if host not in ("0.0.0.0", "::"):
        hosts.add(f"[{host}]" if ":" in host else host)
    env["DUTY_ALLOWED_HOSTS"] = ",".join(sorted(h for h in hosts if h))
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # uvicorn's worker: connections are held by an event loop, so slow or idle clients cost
    # a socket each, not a worker (docs/web.md, "Serving"); bodies are bounded in
    # engine/web/asgi.py before they are read
    args = [sys.executable, "-m", "gunicorn", "engine.web.asgi:application", "--bind", bind,
            "--workers", str(workers), "--worker-class", WORKER_CLASS, "--timeout", "120",
            "--graceful-timeout", "10", "--keep-alive", "5", "--log-level", "warning"]
    sys.stdout.write(f"网页应用：http://{bind}/（Ctrl+C 停止）\n")
    sys.stdout.flush()
    os.execve(sys.executable, args, env)
