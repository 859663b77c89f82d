"""Who handles a complaint in a street: the matching items of its lists, best first.

The rows are the street's lists as ``engine.lists.plan`` places them (the same rules as
``duty lists build`` and ``duty evaluate``); nothing here decides a placement. A ``Who`` is
built once per county as loaded (or as its store last published it) and answers many
complaints.
"""

from __future__ import annotations

from engine.errors import NoListsError, NotFoundError, QueryError, did_you_mean
from engine.lists.plan import ListPlan
from engine.loading.workspace import Workspace
from engine.models.decision import Party
from engine.models.lists import ListRow, ListSource
from engine.vocab import label
from engine.who.models import (
    PhaseParty,
    RuleCitation,
    Suggestion,
    WhoAnswer,
    WhoMatch,
)
from engine.who.search import CatalogueIndex, load_vocabulary

MAX_QUERY = 2_000  # characters of one complaint
DEFAULT_TOP = 5
# an item off the street's lists scoring this much better than the best on them: the
# complaint is probably about that item, and the street's answer is not a confident one
OFF_LIST_RATIO = 0.6
LIST_NAMES = {"basic": "基本履职事项清单", "cooperative": "配合履职事项清单",
              "recalled": "上级部门收回事项清单"}


def check_query(text: str) -> str:
    """The complaint as looked up (trimmed), or a refusal: empty or too long."""
    query = text.strip()
    if not query:
        raise QueryError("诉求内容为空", reason="empty", length=0, maximum=MAX_QUERY,
                         hint="请写明群众反映的问题，例如“楼道堆放杂物堵塞消防通道”。")
    if len(query) > MAX_QUERY:
        raise QueryError(f"诉求内容过长：{len(query):,} 个字符，最多 {MAX_QUERY:,} 个",
                         reason="too-long", length=len(query), maximum=MAX_QUERY,
                         hint="请只写诉求的要点（问题、地点），不要粘贴整份工单或附件。")
    return query


class Who:
    """A county's lists and catalogue index, ready to answer complaints street by street."""

    def __init__(self, ws: Workspace, source: ListSource | None = None) -> None:
        county = ws.county
        if not county.items:
            raise NoListsError(f"{county.name}的目录中没有事项，没有可查的清单",
                               county=county.name, street=None,
                               hint="先在县区目录中写入职责事项（county.yaml 或 items/*.yaml），"
                                    "生成并公布清单后再查询。")
        self.ws, self.source = ws, source
        self.plan = ListPlan(ws)
        self.plans = {p.item.id: p for p in self.plan.items}
        names = {d.id: d.name for d in county.departments.values()}
        self.department_names = names
        self.index = CatalogueIndex(county, names, load_vocabulary(county.directory, county))
        self.rules = {r.id: r for r in ws.policy.rules}

    def street(self, value: str) -> str:
        """A street's id from its id or its unique Chinese name; unknown: the nearest."""
        streets = self.ws.county.streets
        value = value.strip()
        if value in streets:
            return value
        named = [s.id for s in streets.values() if s.name == value]
        if len(named) == 1:
            return named[0]
        names = {s.name: s.id for s in streets.values()}
        hint = did_you_mean(value, [*streets, *names])
        if hint is None:
            shown = "、".join(f"{s.id} {s.name}" for s in list(streets.values())[:5])
            hint = f"本县区的街道（乡镇）有：{shown}" + ("等" if len(streets) > 5 else "")
        raise NotFoundError(f"没有名为 “{value}” 的街道（乡镇）", kind="street",
                            name=value, known=[*streets, *names], hint=hint)

    def answer(self, text: str, street: str, top: int = DEFAULT_TOP) -> WhoAnswer:
        query = check_query(text)
        sid = self.street(street)
        st = self.ws.county.streets[sid]
        if not self.listed(sid):
            raise NoListsError(f"{st.name}的清单中没有事项", county=self.ws.county.name,
                               street=sid, hint="该街道（乡镇）没有适用的目录事项。")
        scored = self.index.score(query)
        matches: list[WhoMatch] = []
        for hit in scored:
            if len(matches) >= top:
                break
            row = self.plan.row(self.plans[hit.item.id], sid)
            if row is not None:
                matches.append(self._match(len(matches) + 1, hit.score, hit.terms, row, sid))
        best = scored[0] if scored and scored[0].score > 0 else None
        confident = bool(matches) and best is not None and (
            matches[0].score >= self.index.vocabulary.threshold
            and matches[0].score >= OFF_LIST_RATIO * best.score)
        suggestion = None if confident or best is None else Suggestion(
            department=best.item.department,
            department_name=self.department_names[best.item.department],
            item=best.item.id, item_name=best.item.name)
        return WhoAnswer(query=query, street=sid, street_name=st.name, source=self.source,
                         confident=confident, matches=matches, suggestion=suggestion)

    def listed(self, sid: str) -> bool:
        """Whether any catalogue item is on the street's lists."""
        return any(p.applies is None or sid in p.applies for p in self.plan.items)

    def _match(self, rank: int, score: float, terms: list[str], row: ListRow,
               sid: str) -> WhoMatch:
        street = Party(kind="street", id=sid, name=self.ws.county.streets[sid].name)
        side = self._side(row)
        phases = [PhaseParty(phase=p, label=label(p), party=street) for p in row.street_phases]
        phases += [PhaseParty(phase=p, label=label(p), party=side)
                   for p in row.department_phases]
        order = {p: i for i, p in enumerate(self.ws.county.items[row.item].phases)}
        phases.sort(key=lambda pp: order.get(pp.phase, len(order)))
        rules = [RuleCitation(rule=r, title=self.rules[r].title,
                              citation=self.rules[r].citation.render())
                 for r in row.rules if r in self.rules]
        return WhoMatch(
            rank=rank, score=round(score, 3), terms=terms, item=row.item, name=row.name,
            department=row.department, department_name=self.department_names[row.department],
            list=row.list, list_name=LIST_NAMES[row.list], lead=row.primary,
            cooperating=row.cooperating, phases=phases, task=row.street_duty or row.task,
            legal_basis=row.legal_basis, rules=rules, proposal=row.proposal)

    def _side(self, row: ListRow) -> Party:
        """The department side of a row: who takes a recalled item back, else its unit in
        the street or the department, whichever of the lead and the cooperating it is."""
        if row.list == "recalled" and row.takeover is not None:
            return row.takeover
        for party in (row.primary, *row.cooperating):
            if party is not None and party.kind != "street":
                return party
        return Party(kind="department", id=row.department,
                     name=self.department_names[row.department])
