"""The admission process as Chinese text: command outcomes, a proposal, its history, lists,
stores, accounts and the audit check."""

from __future__ import annotations

from engine.labels import JOB_KINDS, JOB_STATES, LEGAL, STAGES, URGENCY, label, verdict_label
from engine.render.table import table
from engine.store.audit import Report
from engine.workflow.process import Process
from engine.workflow.views import (
    AccountView,
    HistoryEntry,
    IssuedToken,
    JobView,
    LockoutsLifted,
    Outcome,
    OverdueItem,
    ProposalSummary,
    ProposalView,
    StoreInfo,
)


def _state(process: Process, state: str | None) -> str:
    return "（新申请）" if state is None else f"{process.label(state)}（{state}）"


def render_outcome(process: Process, out: Outcome) -> str:
    lines = [f"申请 {out.proposal}："]
    for step in out.steps:
        t = process.transition(step.action)
        lines.append(f"  {t.label}（{step.action}）：{_state(process, step.from_)} → "
                     f"{_state(process, step.to)}")
    if out.decision is not None:
        lines.append(f"  规则评估结论：{verdict_label(out.decision.change, out.decision.verdict)}"
                     f"（{out.decision.verdict}）")
    if out.version is not None:
        lines.append(f"  已公布清单第 {out.version} 版")
    lines += [f"  注意：{n}" for n in out.notes]
    return "\n".join(lines) + "\n"


def render_show(process: Process, data: ProposalView) -> str:
    due = data.due or "—"
    if data.due_estimated:
        due += "（按周一至周五估算，未计节假日）"
    lines = [f"{label(data.change)}申请 {data.id}：{data.title}",
             f"申请人：{data.applicant}；事项所属部门：{data.department}；"
             f"紧急程度：{URGENCY[data.urgency]}；第 {data.revision} 稿",
             f"状态：{_state(process, data.state)}；期限：{due}",
             f"合法性审查：{LEGAL[data.legal_review]}",
             "目标街道：" + "、".join(data.streets)]
    if data.requested_by:
        heard = data.department_opinion
        lines.append(f"街道申请：{data.requested_by}；理由："
                     + ("、".join(label(r) for r in data.reasons) or "未写理由")
                     + (f"（{data.reason_note}）" if data.reason_note else "")
                     + "；部门意见：" + (f"{label(heard.opinion)}"
                                      + (f"（{heard.note}）" if heard.note else "")
                                      + f"  {heard.at}" if heard else "尚未反馈"))
    if data.unheard:
        lines.append("尚未反馈意见：" + "、".join(data.unheard))
    if data.opinions:
        lines.append("街道意见：")
        for street, o in data.opinions.items():
            note = f"（{o.note}）" if o.note else ""
            lines.append(f"  {street}：{label(o.opinion)}{note}  {o.at}")
            for e in data.earlier_opinions.get(street, []):
                lines.append(f"    此前：{label(e.opinion)}"
                             + (f"（{e.note}）" if e.note else "") + f"  {e.at}")
    for m in data.meetings:
        outcome = verdict_label(data.change, "admitted" if m.outcome == "admit" else "rejected")
        lines.append(f"会议审定：{m.ref}，{outcome}  {m.at}")
    if data.decisions:
        lines.append("规则评估：")
        for d in data.decisions:
            lines.append(f"  {STAGES[d.stage]} {d.at}：{verdict_label(data.change, d.verdict)}"
                         f"（{d.verdict}），规则包 {d.policy.id} 版本 {d.policy.version}"
                         f"（{d.policy.hash[:19]}）")
    for n in data.notes:
        step = process.transitions[n.action].label if n.action in process.transitions \
            else n.action
        lines.append(f"{step}意见（第 {n.revision} 稿，{n.at}）：{n.text or '—'}")
        if n.basis:
            lines.append(f"  依据：{n.basis}")
        for a in n.attachments:
            lines.append(f"  附件 {a.seq}：{a.name}（{a.size:,} 字节，sha256:{a.sha256}）")
    if data.compared_with is not None:
        lines.append(f"第 {data.revision} 稿与第 {data.compared_with} 稿相比："
                     + ("" if data.changes else "内容没有修改"))
        for c in data.changes:
            lines.append(f"  {c.title}：{c.before} → {c.after}")
    if data.published_in is not None:
        lines.append(f"已公布于清单第 {data.published_in} 版")
    return "\n".join(lines) + "\n"


def render_history(process: Process, pid: str, entries: list[HistoryEntry]) -> str:
    rows = []
    for e in entries:
        t = process.transitions.get(e.action)
        detail = e.detail
        extra = ""
        if e.action == "opinion":
            extra = f"{detail['street']} {label(detail['opinion'])}"
            if detail.get("previous"):
                extra += f"（修改意见，此前为{label(detail['previous']['opinion'])}）"
        elif detail.get("meeting"):
            extra = f"会议 {detail['meeting']}"
        elif detail.get("verdict"):
            extra = f"评估 {detail['verdict']}"
        elif detail.get("deemed"):
            extra = "视为无异议：" + "、".join(detail["deemed"])
        if detail.get("note"):
            note = detail["note"]
            extra = "；".join(filter(None, [extra, "意见：" + (note["text"] or "—") + (
                f"（附件 {len(note['attachments'])} 个）" if note["attachments"] else "")]))
        rows.append([str(e.seq), e.at, e.actor, e.account, t.label if t else e.action,
                     f"{e.from_ or '—'} → {e.to}", extra or "—"])
    head = ["序号", "时间", "角色", "账号", "步骤", "状态", "说明"]
    return "\n".join([f"申请 {pid} 的办理记录：", *table(head, rows)]) + "\n"


def render_list(process: Process, rows: list[ProposalSummary]) -> str:
    if not rows:
        return "（没有申请）\n"
    body = [[r.id, label(r.change), _state(process, r.state), r.due or "—", r.title]
            for r in rows]
    return "\n".join(table(["申请", "类型", "状态", "期限", "标题"], body, indent="")) + "\n"


def render_overdue(process: Process, rows: list[OverdueItem]) -> str:
    if not rows:
        return "没有逾期的申请。\n"
    body = [[r.id, _state(process, r.state), r.due + ("（估算）" if r.estimated else ""),
             f"{r.days_late} 个工作日", "、".join(r.waiting_for)] for r in rows]
    return "\n".join(["逾期未办：", *table(["申请", "状态", "期限", "已逾期", "应办理者"],
                                          body)]) + "\n"


def render_store(process: Process, info: StoreInfo) -> str:
    mode = "本地单用户（演练）" if info.mode == "local" else "账号"
    return (f"流程数据库 {info.store}：{info.county}；操作方式：{mode}；"
            f"{'演练库（可固定时钟）' if info.rehearsal else '正式库'}；"
            f"最新清单第 {info.version} 版\n审计链头：{info.head}\n"
            f"审计密钥指纹：{info.key}（请记在数据库目录之外；核验时用 "
            f"DUTY_KEY_FINGERPRINT 指定）\n")


def render_account(process: Process, view: AccountView) -> str:
    state = "启用" if view.active else "已停用"
    who = f"（{view.name}）" if view.name else ""
    return f"账号 {view.username}{who}（{state}）：角色 {'、'.join(view.roles) or '无'}\n"


def render_accounts(process: Process, views: list[AccountView]) -> str:
    if not views:
        return "（没有账号）\n"
    body = [[v.username, v.name or "—",
             ("启用" if v.active else "已停用") + ("，须修改密码" if v.must_change else ""),
             "、".join(v.roles) or "—", str(v.tokens)] for v in views]
    return "\n".join(table(["账号", "姓名", "状态", "角色", "有效令牌"], body,
                           indent="")) + "\n"


def render_temporary(process: Process, issued: IssuedToken) -> str:
    return (f"账号 {issued.username} 的临时密码（只显示这一次；首次登录网页后须修改）：\n"
            f"{issued.token}\n")


def render_temporaries(process: Process, issued: list[IssuedToken]) -> str:
    body = [[i.username, i.token] for i in issued]
    return (f"已导入 {len(issued)} 个账号。临时密码只显示这一次，首次登录网页后须修改：\n" +
            "\n".join(table(["账号", "临时密码"], body, indent="")) + "\n")


def render_token(process: Process, issued: IssuedToken) -> str:
    return (f"账号 {issued.username} 的新令牌（只显示这一次，请妥善保存；"
            f"使用时放在环境变量 DUTY_TOKEN 中）：\n{issued.token}\n")


def render_unlock(process: Process, lifted: LockoutsLifted) -> str:
    return (f"已解除账号 {lifted.username} 的登录锁定（地址 {'、'.join(lifted.addresses)}，"
            f"失败 {lifted.failures} 次）。\n")


def render_verify(process: Process, report: Report) -> str:
    warned = "".join(f"警告［{w.kind}］{w.message}\n" for w in report.warnings)
    if report.intact:
        return (f"审计记录完好：共 {report.entries} 条，签名与数据一致，"
                f"核对锚点 {report.anchors_checked} 个。\n链头：{report.head}\n") + warned
    lines = [f"审计记录有问题（共 {report.entries} 条，发现 {len(report.problems)} 处）："]
    for p in report.problems:
        where = f"第 {p.seq} 条" if p.seq is not None else "—"
        lines.append(f"  {where}［{p.kind}］{p.message}")
    return "\n".join(lines) + "\n" + warned


def _job_result(job: JobView) -> str:
    result = job.result or {}
    if job.kind == "publish" and result.get("version") is not None:
        return f"第 {result['version']} 版"
    if job.kind == "lists" and result.get("file"):
        return f"{result['file']}（{result['files']} 个文件）"
    return "—"


def render_job(process: Process, job: JobView) -> str:
    lines = [f"任务 {job.id}：{JOB_KINDS.get(job.kind, job.kind)}（{job.kind}）",
             f"县区：{job.county}；提交：{job.account}（{job.role}），{job.created}",
             f"状态：{JOB_STATES.get(job.state, job.state)}（{job.state}）"
             + (f"；{job.stage} {job.done}/{job.total}" if job.total else
                (f"；{job.stage}" if job.stage else "")),
             f"执行次数：{job.attempts}"]
    if job.kind == "publish":
        lines.append("申请：" + "、".join(job.arguments.get("proposals", [])))
    if job.state == "done":
        lines.append(f"结果：{_job_result(job)}")
        lines += [f"注意：{n}" for n in (job.result or {}).get("notes", [])]
    if job.error:
        lines.append(f"错误：{job.error}")
    return "\n".join(lines) + "\n"


def render_jobs(process: Process, jobs: list[JobView]) -> str:
    if not jobs:
        return "没有任务。\n"
    rows = [[str(j.id), JOB_KINDS.get(j.kind, j.kind), JOB_STATES.get(j.state, j.state),
             f"{j.done}/{j.total}" if j.total else "—", j.account, j.created,
             _job_result(j)] for j in jobs]
    return "\n".join(table(["任务", "内容", "状态", "进度", "提交账号", "提交时间", "结果"],
                           rows)) + "\n"
