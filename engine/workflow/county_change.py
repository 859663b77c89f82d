"""A change of the county data made by an account (the office importing its catalogue on the
web), recorded in the audit chain like any change of the county.

The new county must be the store's county (same name and code) and the published versions
must still apply to it; the change is refused, with nothing written, when the county data
changed since the person saw it (``expected``: the revision the preview was made on). The
entry names the account, its role, the revision before and after, and what the caller says of
the change (``detail``: the files received, their digests, the corrections). ``put`` puts the
new county files in place as the last step of the transaction and returns how to undo that,
which is done if the transaction does not commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.errors import ConflictError, DataError, DataErrors, ForbiddenError
from engine.loading.workspace import Workspace
from engine.workflow import repository as repo
from engine.workflow.county_state import county_revision, pack_state, replay
from engine.workflow.names import RoleKind, SystemAction
from engine.workflow.roles import Actor, Clock
from engine.workflow.service import AdmissionService

Undo = Callable[[], None]


def may_change_county(actor: Actor) -> None:
    """Only the office (县委编办) changes the county's catalogue."""
    if actor.role.kind is not RoleKind.office:
        raise ForbiddenError(f"角色 {actor.role} 不能导入或更新县区的事项目录",
                             account=actor.recorded, role=str(actor.role),
                             action=SystemAction.county_import.value,
                             hint="县区的事项目录由县委编办导入和更新。")


def fits_store(service: AdmissionService, new: Workspace) -> None:
    """The new county is the one the store is bound to, and what was published still applies
    to it (every admitted and recalled item is found)."""
    county = new.county
    bound, code = service.store.county, service.store.meta.get("county_code")
    if bound is not None and county.name != bound:
        raise ConflictError(f"导入的县区名称为 “{county.name}”，而数据库属于 “{bound}”",
                            subject="county", stored=bound, given=county.name,
                            hint="县区名称取自当前县区的 county.yaml，不能在导入时改变。")
    if code is not None and county.code != code:
        raise ConflictError(f"导入的县区行政区划代码为 {county.code or '未填写'}，而数据库属于 "
                            f"{code}", subject="county_code", stored=code, given=county.code)
    published(service, new)


def published(service: AdmissionService, new: Workspace) -> Workspace:
    """The new county with the published decisions applied in order (the county as the web
    would then serve it); a DataError naming what no longer applies."""
    decisions, items = repo.published()
    try:
        return replay(new, decisions, items)
    except (DataError, KeyError) as exc:
        errors = exc.errors if isinstance(exc, DataErrors) else [exc]
        what = "；".join(e.render() if isinstance(e, DataError) else f"找不到 {e}"
                        for e in errors[:5])
        raise ConflictError(f"已公布的清单调整不能适用于导入后的县区：{what}",
                            subject="county", stored=service.store.county,
                            given=new.county.name,
                            hint="已公布的准入和收回所涉的事项、部门和街道须仍在导入的目录中；"
                                 "补上这些事项后重新上传。") from None


def change_county(service: AdmissionService, actor: Actor, clock: Clock, new: Workspace,
                  expected: str, detail: dict[str, Any], put: Callable[[], Undo]) -> int:
    """Record the county ``new`` in place of the one served, by ``actor``; the audit entry's
    number. Refused (nothing written) for another role, for a county the store is not bound
    to, when the published versions no longer apply, or when the county changed since the
    revision ``expected``."""
    may_change_county(actor)
    undo: Undo | None = None
    try:
        with service.write(actor, clock) as chain:
            if service.revision != expected:
                raise ConflictError("县区数据在预览之后已有变更，本次导入未执行",
                                    subject="county_revision", stored=service.revision,
                                    given=expected, hint="重新上传工作簿，核对后再确认导入。")
            fits_store(service, new)
            state = published(service, new)
            revision = county_revision(new)
            seq = service.entry(chain, actor, clock, SystemAction.county_import.value,
                                 detail={**detail, "revision": revision,
                                         "previous": service.revision})
            repo.record_county_revision(revision)
            version = repo.newest_version()
            if version and not repo.has_county_state(version, revision):
                repo.keep_county_state(version, revision, pack_state(state), seq)
            undo = put()
    except BaseException:
        if undo is not None:
            undo()
        raise
    return seq
