"""The law table (``laws.yaml``): when each law a basis cites was issued, came into force,
and whether it was repealed or replaced; `duty check` flags items citing a law no longer in
force (``LAW-REPEALED``), with its successor.

The engine ships a table for the laws the bundled packs and sample counties cite
(``duties/laws.yaml``); a county's own ``laws.yaml`` beside its ``county.yaml`` adds laws and
replaces entries of the same title.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from engine.lists.problem import ListProblem
from engine.loading.workspace import Workspace
from engine.loading.yamlio import read_yaml, validate
from engine.models.base import Strict, Text
from engine.paths import duties_dir

Day = Annotated[date, Field(strict=False)]
TABLE = "laws.yaml"


class Law(Strict):
    """One law or regulation, by its title as bases cite it (with its 《》)."""

    title: Text
    issued: Day
    in_force: Day
    repealed: Day | None = None  # the day it ceased to be in force
    replaced_by: Text | None = None  # the title of its successor

    @model_validator(mode="after")
    def _dates(self) -> Law:
        if self.in_force < self.issued:
            raise ValueError("in_force 不能早于 issued")
        if self.repealed is not None and self.repealed < self.in_force:
            raise ValueError("repealed 不能早于 in_force")
        if self.replaced_by is not None and self.repealed is None:
            raise ValueError("写了 replaced_by 的须同时写 repealed（被替代之日）")
        return self

    def names(self) -> list[str]:
        """The title, and its short form without 中华人民共和国 (as bases often cite it)."""
        short = self.title.replace("《中华人民共和国", "《", 1)
        return [self.title] if short == self.title else [self.title, short]


class LawsFile(Strict):
    schema_version: Literal[1]
    laws: list[Law]


def load_laws(county_dir: Path | None) -> dict[str, Law]:
    """The bundled table, then the county's own (same title: the county's entry wins)."""
    table: dict[str, Law] = {}
    for path in (duties_dir() / TABLE, county_dir / TABLE if county_dir else None):
        if path is not None and path.is_file():
            doc = read_yaml(path)
            table.update((law.title, law) for law in validate(LawsFile, doc).laws)
    return table


def law_problems(ws: Workspace, today: date | None = None) -> list[ListProblem]:
    """Items whose legal basis cites a law repealed on or before ``today`` (default: today)."""
    day = today or date.today()
    laws = load_laws(Path(ws.county.directory) if ws.county.directory else None)
    gone = [(name, law) for law in laws.values()
            if law.repealed is not None and law.repealed <= day for name in law.names()]
    out = []
    for item in ws.county.items.values():
        for name, law in gone:
            if name in item.legal_basis:
                successor = f"，已由{law.replaced_by}替代" if law.replaced_by else ""
                out.append(ListProblem(
                    code="LAW-REPEALED", street=None, item=item.id,
                    message=f"事项“{item.name}”的依据引用{name}，该法自 "
                            f"{law.repealed.isoformat()} 起已不再施行{successor}",  # type: ignore[union-attr]
                    basis=f"法律法规表（{TABLE}）：{law.title}"))
                break
    return out
