"""`duty check` on the bodies and staff of streets (机构编制): what the pack's institution
and staffing parameters say a street may have, against what the county records."""

from __future__ import annotations

from engine.lists.problem import ListProblem
from engine.loading.workspace import Workspace
from engine.models.county import Street
from engine.rules.facts import missing_functions
from engine.rules.parameters import Range, Targets, Varying
from engine.rules.staffing import finance_quota, limit, quota
from engine.vocab import label

HENAN = "《街道管理体制改革调查》合集河南部分一（四）：街道机构限额10个，5个必设机构"
GANZHOU = "《甘州区乡镇机构改革工作总结》一之二“科学核定人员编制”"
JIANGYIN = "《江阴市机构编制工作简报》2011年第2期二：按人口、面积、财政收入三要素分档核定编制"
TAIYUAN = "《以机构编制的“三倾斜一下沉”助力夯实基层政权基础》（太原市）三（二）“成熟一批、下放一批”"


def institution_problems(ws: Workspace) -> list[ListProblem]:
    """Required bodies missing, more bodies than the limit, functions listed items need."""
    params = ws.policy.parameters
    rules = params.institutions
    out: list[ListProblem] = []
    for street in ws.county.streets.values():
        functions = street.functions()
        missing = [f for f in rules.required if f not in functions]
        if missing:
            out.append(ListProblem(
                code="INSTITUTION-MISSING", street=street.id, item=None,
                message=f"{street.name}没有必设机构："
                        + "、".join(ws.names.get(f) or label(f) for f in missing)
                        + "（合署办公或加挂牌子承担该职能的也算设立）",
                basis=HENAN))
        bodies = street.bodies()
        most = limit(rules.max_bodies, street, params)
        if isinstance(most, float | int) and len(bodies) > most:
            out.append(ListProblem(
                code="INSTITUTION-LIMIT", street=street.id, item=None,
                message=f"{street.name}设有 {len(bodies)} 个机构，超过限额 {most:g} 个"
                        + _where(rules.max_bodies, street),
                basis=_basis(rules.max_bodies, HENAN)))
        out += _office_posts(ws, street)
        out += _functions_needed(ws, street)
    return out


def _basis(value: object, default: str) -> str:
    """The citation of a varying limit, else the default source."""
    if isinstance(value, Varying) and value.citation is not None:
        return value.citation.render()
    return default


def _where(value: object, street: Street) -> str:
    """Which class or tier a varying limit was read for (empty for a fixed one)."""
    if not isinstance(value, Varying):
        return ""
    if value.by == "town_class":
        return f"（{street.town_class} 类乡镇）"
    if value.by == "size_tier":
        return "（按街道规模）"
    return f"（按{FACTOR_NAMES[value.by]}分档）"


FACTOR_NAMES = {"population": "常住人口", "area_km2": "面积", "revenue": "财政收入"}


def _within(have: float, allowed: float | Range) -> str | None:
    """How ``have`` breaks the limit (a maximum or a range), or None when it keeps it."""
    low, high = ((allowed.min, allowed.max) if isinstance(allowed, Range)
                 else (None, allowed))
    if high is not None and have > high:
        return f"超过核定的上限 {high:g} 名" if low is None or low == high else (
            f"超出核定的 {low:g}—{high:g} 名")
    if low is not None and have < low:
        return f"低于核定的下限 {low:g} 名" if high is None or low == high else (
            f"不足核定的 {low:g}—{high:g} 名")
    return None


def _office_posts(ws: Workspace, street: Street) -> list[ListProblem]:
    """Posts a body holds outside the range the pack sets for its office (甘州 一之3)."""
    rules, params = ws.policy.parameters.institutions, ws.policy.parameters
    out = []
    for body in street.bodies():
        spec = rules.office_posts.get(body.id)
        if spec is None or body.posts is None:
            continue
        allowed = limit(spec, street, params)
        broken = None if allowed is None else _within(body.posts, allowed)
        if broken:
            out.append(ListProblem(
                code="OFFICE-POSTS", street=street.id, item=None,
                message=f"{street.name}{body.name or label(body.id)}编制 {body.posts} 名，"
                        f"{broken}{_where(spec, street)}",
                basis=_basis(spec, GANZHOU)))
    return out


def _functions_needed(ws: Workspace, street: Street) -> list[ListProblem]:
    """A function no body of the street carries, needed by an item on its lists."""
    county, graph, params = ws.county, ws.graph, ws.policy.parameters
    functions = set(street.functions())
    needing: dict[str, list[str]] = {}
    for item in county.items.values():
        if street.id not in county.listed_on(item):
            continue
        granted = set(graph.granted_powers(street.id, item.department))
        carried = [p for p in item.phases
                   if p not in params.phase_powers or params.phase_powers[p] in granted]
        for f in missing_functions(item, carried, functions, params):
            needing.setdefault(f, []).append(item.id)
    return [ListProblem(code="FUNCTION-MISSING", street=street.id, item=items[0],
                        message=f"{street.name}的清单事项（{'、'.join(items)}）需要"
                                f"“{label(f)}”职能，但没有机构承担",
                        basis=TAIYUAN)
            for f, items in needing.items()]


def staffing_problems(ws: Workspace) -> list[ListProblem]:
    """Posts and people against the pack's staffing model and the county's targets."""
    return _model_problems(ws) + _target_problems(ws)


def _model_problems(ws: Workspace) -> list[ListProblem]:
    """Posts and people against the pack's staffing model (none without a model)."""
    params = ws.policy.parameters
    model = params.staffing
    if model is None:
        return []
    basis = GANZHOU if model.basis == "class" else JIANGYIN
    out: list[ListProblem] = []
    total_admin = total_inst = 0
    for street in ws.county.streets.values():
        st = street.staffing
        total_admin += st.administrative
        total_inst += st.institutional

        def problem(code: str, message: str, src: str = basis, sid: str = street.id) -> None:
            out.append(ListProblem(code=code, street=sid, item=None, message=message, basis=src))

        allowed = quota(street, model)
        if allowed is None:
            problem("STAFF-UNGRADED",
                    f"{street.name}未能按编制模型核定编制（"
                    + ("未写乡镇类别 town_class 或该类别没有编制）" if model.basis == "class"
                       else "缺少分档要素，或总分未达到任何档次）"))
        else:
            over = [(label_, have, cap) for label_, have, cap in (
                ("行政编制", st.administrative, allowed.administrative),
                ("事业编制", st.institutional, allowed.institutional),
                ("后勤编制", st.logistics, allowed.logistics)) if have > cap]
            finance = finance_quota(street, model)
            if finance is not None and st.finance_office > finance:
                over.append(("财政所编制", st.finance_office, finance))
            if over:
                problem("STAFF-OVER-QUOTA", f"{street.name}的" + "，".join(
                    f"{what} {have} 名超过核定的 {cap} 名" for what, have, cap in over))
        if st.actual > st.posts():
            problem("STAFF-OVER-ESTABLISHMENT",
                    f"{street.name}在编实有 {st.actual} 人，超过所设编制 {st.posts()} 名（超编）")
        share = limit(model.assistant_share, street, params)
        if isinstance(share, float | int) and st.assistant is not None:
            cap = int(st.administrative * share)
            if st.assistant > cap:
                problem("STAFF-ASSISTANT",
                        f"{street.name}设主任助理 {st.assistant} 名，超过行政编制的 "
                        f"{share:.0%}（{cap} 名）" + _where(model.assistant_share, street),
                        _basis(model.assistant_share, JIANGYIN))
        share = limit(model.non_establishment_share, street, params)
        if isinstance(share, float | int) and st.non_establishment is not None:
            cap = int(st.posts() * share)
            if st.non_establishment > cap:
                problem("STAFF-NON-ESTABLISHMENT",
                        f"{street.name}保留编外人员 {st.non_establishment} 名，超过编制总数的 "
                        f"{share:.0%}（{cap} 名）" + _where(model.non_establishment_share, street),
                        _basis(model.non_establishment_share, JIANGYIN))

        if st.mixed:
            problem("STAFF-MIXED",
                    f"{street.name}有 {st.mixed} 名事业编制人员占用行政编制岗位（混岗）",
                    JIANGYIN)
    ceiling = model.county_ceiling
    if ceiling is not None:
        over = [(what, have, cap) for what, have, cap in (
            ("行政编制", total_admin, ceiling.administrative),
            ("事业编制", total_inst, ceiling.institutional)) if have > cap]
        if over:
            out.append(ListProblem(
                code="STAFF-CEILING", street=None, item=None,
                message=f"{ws.county.name}各街道" + "，".join(
                    f"{what}合计 {have} 名超过县级总量 {cap} 名" for what, have, cap in over),
                basis=JIANGYIN))
    return out


def _target_problems(ws: Workspace) -> list[ListProblem]:
    """The county's targets (太原): 事业编制 per street, and the share of enforcement posts
    sunk to the streets."""
    targets = ws.policy.parameters.targets
    if targets is None:
        return []
    out = []
    per_street = targets.institutional_per_street
    if per_street is not None:
        for street in ws.county.streets.values():
            broken = _within(street.staffing.institutional, per_street)
            if broken:
                out.append(ListProblem(
                    code="TARGET-INSTITUTIONAL", street=street.id, item=None,
                    message=f"{street.name}事业编制 {street.staffing.institutional} 名，"
                            f"{broken}（县级目标）", basis=per_street.citation.render()))
    return out + _enforcement_share(ws, targets)


def _enforcement_share(ws: Workspace, targets: Targets) -> list[ListProblem]:
    """The streets' enforcement posts against the county's target share (太原 四（三）)."""
    target = targets.enforcement_share
    if not target:
        return []
    recorded = [s.staffing.enforcement for s in ws.county.streets.values()
                if s.staffing.enforcement is not None]
    basis = target.citation.render()
    if len(recorded) < len(ws.county.streets):
        return [ListProblem(code="TARGET-ENFORCEMENT-SHARE", street=None, item=None,
                            message=f"{ws.county.name}有 {len(ws.county.streets) - len(recorded)} "
                                    "个街道未记录执法队伍编制（staffing.enforcement），"
                                    "无法核对执法力量下沉目标", basis=basis)]
    share = sum(recorded) / target.county_posts
    if share >= target.min:
        return []
    return [ListProblem(code="TARGET-ENFORCEMENT-SHARE", street=None, item=None,
                        message=f"{ws.county.name}各街道执法队伍编制合计 {sum(recorded)} 名，"
                                f"占县级相关领域执法编制 {target.county_posts} 名的 {share:.0%}，"
                                f"低于 {target.min:.0%} 的目标", basis=basis)]
