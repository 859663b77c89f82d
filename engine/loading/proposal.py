"""Proposal files → ``Proposal`` models (cross-references are checked at evaluation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.errors import DataError, DataErrors
from engine.loading.yamlio import Document, read_yaml, validate
from engine.models.proposal import Proposal


@dataclass(frozen=True)
class ProposalSource:
    proposal: Proposal
    doc: Document


def load_proposal(path: Path) -> ProposalSource:
    doc = read_yaml(Path(path))
    if not isinstance(doc.data, dict):
        raise DataError("准入申请文件应为映射（键: 值）", location=doc.location(()),
                        code="E-SCHEMA")
    return ProposalSource(validate(Proposal, doc), doc)


def load_proposals(paths: Sequence[Path]) -> list[ProposalSource]:
    """Every proposal file, or every error in them at once (then none is returned)."""
    sources, errors = [], []
    for path in paths:
        try:
            sources.append(load_proposal(path))
        except DataError as exc:  # one error or several
            errors.append(exc)
    seen: dict[str, str] = {}
    for src in sources:
        first = seen.setdefault(src.proposal.id, src.doc.display)
        if first != src.doc.display:
            errors.append(DataError(f"申请编号 “{src.proposal.id}” 与 {first} 重复",
                                    location=src.doc.location(("id",)), code="E-DUP"))
    if errors:
        raise DataErrors(errors)
    return sources
