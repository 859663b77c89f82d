"""Proposal files → ``Proposal`` models (cross-references are checked at evaluation)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.errors import DataError
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
