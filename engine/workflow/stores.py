"""Creating and opening a store for a county."""

from __future__ import annotations

from engine.errors import StoreError
from engine.loading.workspace import Workspace
from engine.store.config import StoreTarget
from engine.store.keys import create_key, fingerprint, last_checkpoint, load_key
from engine.store.session import Store, close, open_store, os_user, transaction
from engine.workflow import repository as repo
from engine.workflow.county_state import county_revision
from engine.workflow.names import SystemAction
from engine.workflow.process import load_process
from engine.workflow.roles import Clock
from engine.workflow.service import AdmissionService
from engine.workflow.views import StoreInfo


def init_store(ws: Workspace, target: StoreTarget, *, local: bool, rehearsal: bool,
               clock: Clock) -> StoreInfo:
    """A new store bound to the county, its current lists published as version 0. ``local``:
    no accounts, roles declared per command (SQLite only); ``rehearsal``: ``DUTY_NOW`` may fix
    the clock. Both are recorded in the first audit entry and cannot be changed later."""
    if local and target.engine != "sqlite":
        raise StoreError("PostgreSQL 数据库不能使用本地单用户模式", store=target.shown,
                         reason="local-shared",
                         hint="多个单位共用的数据库须使用账号；本地模式只用于 SQLite 演练。")
    if clock.fixed and not rehearsal:
        raise StoreError("DUTY_NOW 只在演练库中有效", store=target.shown, reason="clock",
                         hint="去掉 DUTY_NOW，或把数据库建为演练库。")
    # the counties of one database share its key: the first county's store makes it
    shared = target.county is not None and target.key_file.exists()
    if target.key_file.exists() and not shared:
        create_key(target.key_file, target.shown)  # refuses, before anything is created
    store = open_store(target, create=True)
    retire_anchors(target)
    try:
        store.key = (load_key(target.key_file, target.shown) if shared
                     else create_key(target.key_file, target.shown))
        bound = {"county": ws.county.name,
                 **({"county_code": ws.county.code} if ws.county.code else {}),
                 "process": load_process().id,
                 "mode": "local" if local else "accounts",
                 "rehearsal": "true" if rehearsal else "false"}
        revision = county_revision(ws)
        with transaction(store) as chain:
            repo.bind({**bound, "key": fingerprint(store.key), "county_revision": revision})
            store.meta = dict(bound)
            service = AdmissionService(ws, store)
            chain.begin(at=clock.stamp, account=f"system:{os_user()}", role="system",
                        action=SystemAction.create_store.value,
                        detail={"bound": bound, "version": 0, "revision": revision},
                        clock="fixed" if clock.fixed else "real")
            service.save_version(chain, clock, 0, ws)
    except BaseException:
        close(store)
        if target.engine == "sqlite":
            for leftover in (target.sqlite_path, target.key_file, target.checkpoints):
                leftover.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                (target.sqlite_path.parent / (target.sqlite_path.name + suffix)).unlink(
                    missing_ok=True)
        raise
    info = StoreInfo(store=target.shown, county=ws.county.name, mode=bound["mode"],
                     rehearsal=rehearsal, version=0, head=_head(store),
                     key=fingerprint(store.key))
    close(store)
    return info


def retire_anchors(target: StoreTarget) -> None:
    """A new store where an old one was: the second copy of the old store's heads (another
    key) is kept aside under a new name, so that the new store starts its own."""
    if target.anchors is not None and target.anchors.exists():
        n = 1
        while target.anchors.with_name(f"{target.anchors.name}.old-{n}").exists():
            n += 1
        target.anchors.rename(target.anchors.with_name(f"{target.anchors.name}.old-{n}"))


def _head(store: Store) -> str:
    with transaction(store, write=False):
        head = repo.head()
        return f"{head[0]}:{head[1]}" if head else ""


def open_keyed(target: StoreTarget) -> Store:
    """An existing store with its audit key, checked against the store's record of it."""
    store = open_store(target)
    try:
        key = load_key(target.key_file, target.shown)
        if store.meta.get("key") != fingerprint(key):
            raise StoreError(f"审计密钥 {target.key_file} 不属于该数据库", store=target.shown,
                             reason="wrong-key",
                             hint="用 DUTY_AUDIT_KEY 指定初始化该数据库时创建的密钥文件。")
        for path in target.anchor_files:
            last = last_checkpoint(path)
            if last is not None and last.key and last.key != fingerprint(key):
                raise StoreError(
                    f"审计密钥被替换：{path} 记录的密钥指纹为 {last.key}，而现用密钥 "
                    f"{target.key_file} 的指纹为 {fingerprint(key)}", store=target.shown,
                    reason="key-swapped",
                    hint="找回原来的密钥文件；用 duty audit verify 核验数据库（可用 "
                         "DUTY_KEY_FINGERPRINT 指定应有的指纹）。")
    except BaseException:
        close(store)
        raise
    store.key = key
    return store


def open_service(ws: Workspace, target: StoreTarget) -> AdmissionService:
    store = open_keyed(target)
    try:
        return AdmissionService(ws, store)
    except BaseException:
        close(store)
        raise


def store_info(store: Store) -> StoreInfo:
    with transaction(store, write=False):
        version = repo.newest_version()
    return StoreInfo(store=store.target.shown, county=store.county or "",
                     mode=store.meta.get("mode", ""), rehearsal=store.rehearsal,
                     version=int(version), head=_head(store), key=store.meta.get("key", ""))
