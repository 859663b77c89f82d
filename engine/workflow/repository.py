"""The admission workflow's one door to the store's tables: proposals and what their steps
wrote, the published versions and the county's state after each.

The service (the steps) and the queries (every read) call these functions; neither touches
the ORM itself. Each runs inside the caller's transaction on the store
(``engine.store.session.transaction``), so that a step's reads and writes are one unit and a
write is covered by the audit entry the step began (``seq``). Accounts keep their own module
(``engine.workflow.accounts``), the audit chain its own (``engine.store``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from engine.errors import NotFoundError
from engine.models.county import DutyItem
from engine.models.decision import Decision
from engine.models.proposal import Proposal
from engine.store.orm import m
from engine.times import time_text
from engine.workflow.names import Action, Stage
from engine.workflow.notes import CheckedAttachment

ProposalRecord = m.ProposalRecord

# -- proposals -----------------------------------------------------------------------------


def find(pid: str, *, lock: bool = False) -> ProposalRecord | None:
    """The proposal's row (locked for the rest of the transaction when ``lock``), or None."""
    query = ProposalRecord.objects.select_for_update() if lock else ProposalRecord.objects
    return query.filter(id=pid).first()


def proposal(pid: str, *, lock: bool = False) -> ProposalRecord:
    """The proposal's row; a missing one is "not found", with the ids there are."""
    row = find(pid, lock=lock)
    if row is None:
        raise missing(pid, list(ProposalRecord.objects.order_by("id")
                                .values_list("id", flat=True)))
    return row


def missing(pid: str, known: list[str]) -> NotFoundError:
    """No proposal ``pid``; ``known``: the ids to suggest instead."""
    return NotFoundError(f"没有编号为 “{pid}” 的申请", kind="proposal", name=pid, known=known)


def new_proposal(**fields: Any) -> ProposalRecord:
    return ProposalRecord.objects.create(**fields)


def proposals(state: str | None = None) -> list[ProposalRecord]:
    """Every proposal (in one state, if given), by id."""
    rows = ProposalRecord.objects.order_by("id")
    return list(rows if state is None else rows.filter(state=state))


def overdue(today: date) -> list[ProposalRecord]:
    """The proposals whose current step's deadline is before ``today``, oldest first."""
    return list(ProposalRecord.objects.filter(due__isnull=False, due__lt=today)
                .order_by("due", "id"))


def document(record: ProposalRecord) -> Proposal:
    """The proposal a row holds, as submitted (read as from its JSON, as the doors read a
    proposal file)."""
    return Proposal.model_validate_json(json.dumps(record.document))


# -- what the steps wrote ------------------------------------------------------------------


def add_submission(record: ProposalRecord, at: datetime, seq: int) -> None:
    m.Submission.objects.create(proposal=record, revision=record.revision,
                                document=record.document, at=at, audit_seq=seq)


def drafts(pid: str, count: int = 2) -> list[tuple[int, dict[str, Any]]]:
    """The newest ``count`` submissions: (revision, document), newest first."""
    return list(m.Submission.objects.filter(proposal=pid).order_by("-seq")
                .values_list("revision", "document")[:count])


def add_decision(record: ProposalRecord, stage: Stage, at: datetime, decision: Decision,
                 item: DutyItem, county_revision: str, seq: int) -> None:
    policy = decision.policy
    m.DecisionRecord.objects.create(
        proposal=record, stage=stage.value, at=at, verdict=decision.verdict,
        policy_id=policy.id, policy_version=policy.version, policy_hash=policy.hash,
        county_revision=county_revision, decision=decision.model_dump_json(),
        item=item.model_dump_json(), audit_seq=seq)


def decisions(pid: str) -> list[Any]:
    return list(m.DecisionRecord.objects.filter(proposal=pid).order_by("seq"))


def latest_decision(pid: str, stages: Sequence[Stage]) -> tuple[Decision, DutyItem] | None:
    """The newest decision made at one of ``stages``, and its item."""
    row = m.DecisionRecord.objects.filter(proposal=pid, stage__in=[s.value for s in stages]) \
        .order_by("-seq").first()
    return None if row is None else (Decision.model_validate_json(row.decision),
                                     DutyItem.model_validate_json(row.item))


def add_opinion(record: ProposalRecord, street: str, opinion: str, note: str | None,
                at: datetime, actor: str, seq: int) -> None:
    m.OpinionRecord.objects.create(proposal=record, street=street, opinion=opinion, note=note,
                                   at=at, actor=actor, audit_seq=seq)


def opinions(pid: str) -> list[Any]:
    """The streets' opinions, in the order they were given (a later one supersedes)."""
    return list(m.OpinionRecord.objects.filter(proposal=pid).order_by("seq"))


def latest_opinion(pid: str, street: str) -> Any | None:
    return m.OpinionRecord.objects.filter(proposal=pid, street=street).order_by("-seq").first()


def unheard(record: ProposalRecord) -> list[str]:
    """The target streets that have not given their opinion."""
    heard = set(m.OpinionRecord.objects.filter(proposal=record.id)
                .values_list("street", flat=True))
    return [s for s in record.streets if s not in heard]


def heard_by(street: str) -> set[str]:
    """The proposals on which ``street`` has given its opinion."""
    return set(m.OpinionRecord.objects.filter(street=street)
               .values_list("proposal", flat=True))


def add_meeting(record: ProposalRecord, ref: str | None, outcome: str, at: datetime,
                actor: str, seq: int) -> None:
    m.MeetingRecord.objects.create(proposal=record, ref=ref, outcome=outcome, at=at,
                                   actor=actor, audit_seq=seq)


def meetings(pid: str) -> list[Any]:
    return list(m.MeetingRecord.objects.filter(proposal=pid).order_by("seq"))


def admitting_meeting(pid: str) -> Any | None:
    """The newest meeting that admitted the proposal."""
    return m.MeetingRecord.objects.filter(proposal=pid, outcome="admit").order_by("-seq") \
        .first()


def add_note(record: ProposalRecord, action: Action, text: str, basis: str, at: datetime,
             actor: str, seq: int, files: Sequence[CheckedAttachment]) -> None:
    """The note of a step, with its attachments."""
    row = m.StepNoteRecord.objects.create(
        proposal=record, action=action.value, revision=record.revision, text=text,
        basis=basis, at=at, actor=actor, audit_seq=seq)
    for f in files:
        m.Attachment.objects.create(proposal=record, note=row, name=f.name, kind=f.kind,
                                    size=f.size, sha256=f.sha256, content=f.content,
                                    audit_seq=seq)


def notes(pid: str) -> list[Any]:
    return list(m.StepNoteRecord.objects.filter(proposal=pid).order_by("seq"))


def attachments(pid: str) -> list[dict[str, Any]]:
    """The attachments of the proposal's notes, without their content."""
    return list(m.Attachment.objects.filter(proposal=pid).order_by("seq").values(
        "seq", "note", "name", "kind", "size", "sha256"))


def attachment(pid: str, seq: int) -> Any | None:
    return m.Attachment.objects.filter(proposal=pid, seq=seq).first()


def history(pid: str) -> list[Any]:
    """The audit entries of the proposal, in order."""
    return list(m.AuditEntry.objects.filter(proposal=pid).order_by("seq"))


def department_opinion(record: ProposalRecord) -> dict[str, Any] | None:
    """The opinion the department concerned gave on a street's request, as its audit entry
    holds it (the newest, if it was given on the proposal's current draft), with when and in
    which role."""
    entry = m.AuditEntry.objects.filter(
        proposal=record.id, action=Action.department_opinion.value).order_by("-seq").first()
    if entry is None or entry.detail.get("revision") != record.revision:
        return None
    return {**entry.detail, "at": time_text(entry.at), "actor": entry.role}


APPROVALS = {Action.city_approve.value: "city", Action.province_approve.value: "province"}


def upward_review(pid: str) -> tuple[list[str], set[str]]:
    """The levels above the county the proposal's latest admission must pass (as its audit
    entry recorded them when the county admitted it) and those that have approved it since."""
    admitted = m.AuditEntry.objects.filter(proposal=pid, action=Action.admit.value) \
        .order_by("-seq").first()
    if admitted is None:
        return [], set()
    approved = m.AuditEntry.objects.filter(proposal=pid, seq__gt=admitted.seq,
                                           action__in=list(APPROVALS)) \
        .values_list("action", flat=True)
    return list(admitted.detail.get("upward", [])), {APPROVALS[a] for a in approved}


# -- published versions and the county's state ---------------------------------------------


def newest_version() -> int:
    row = m.ListVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return int(row or 0)


def newest_names() -> dict[str, str] | None:
    """The Chinese names the newest published version was rendered with (None: no version)."""
    row = m.ListVersion.objects.order_by("-number").only("names").first()
    return None if row is None else dict(row.names)


def published(upto: int | None = None) -> tuple[list[Decision], list[DutyItem]]:
    """The decisions published (with their items), version by version, in the order each
    version lists its proposals; up to version ``upto`` when given."""
    decided, items = [], []
    links = m.VersionProposal.objects.order_by("version", "position")
    for link in links if upto is None else links.filter(version__lte=upto):
        found = latest_decision(link.proposal_id, (Stage.decision, Stage.publication))
        assert found is not None, link.proposal_id  # publication needs a decision
        decided.append(found[0])
        items.append(found[1])
    return decided, items


def published_in(pid: str) -> int | None:
    """The version that published the proposal."""
    return m.VersionProposal.objects.filter(proposal=pid).values_list("version", flat=True) \
        .first()


def add_version(number: int, at: datetime, digest: str, names: dict[str, str],
                county_revision: str, seq: int) -> None:
    m.ListVersion.objects.create(number=number, at=at, digest=digest, names=names,
                                 county_revision=county_revision, audit_seq=seq)


def add_summary(number: int, summary: bytes, seal: str, totals: bytes,
                totals_seal: str) -> None:
    m.VersionSummary.objects.create(version_id=number, summary=summary, seal=seal,
                                    totals=totals, totals_seal=totals_seal)


def summary(number: int) -> tuple[bytes, str] | None:
    """A version's summary and its seal (None: published before summaries were kept)."""
    row = m.VersionSummary.objects.filter(version_id=number).values_list(
        "summary", "seal").first()
    return (bytes(row[0]), row[1]) if row is not None else None


def totals(number: int) -> tuple[bytes, str] | None:
    """A version's totals and their seal (None: published before totals were kept)."""
    row = m.VersionSummary.objects.filter(version_id=number).values_list(
        "totals", "totals_seal").first()
    return (bytes(row[0]), row[1]) if row is not None and row[0] is not None else None


def add_parts(number: int, changes: Iterable[tuple[str, bytes | None]], seq: int) -> None:
    """The parts of version ``number``'s lists that changed since the version before: each
    with its change (packed; None: the part is no longer there)."""
    batch: list[Any] = []
    for part, change in changes:
        batch.append(m.ListPart(key=f"{number}/{part}", version_id=number, part=part,
                                change=change, audit_seq=seq))
        if len(batch) >= 1000:
            m.ListPart.objects.bulk_create(batch)
            batch = []
    m.ListPart.objects.bulk_create(batch)


def part_changes(upto: int) -> Iterator[tuple[str, bytes | None]]:
    """The changes kept for the parts of the lists up to version ``upto``, in version order."""
    for part, change in m.ListPart.objects.filter(version__lte=upto).order_by(
            "version").values_list("part", "change").iterator(chunk_size=2000):
        yield part, None if change is None else bytes(change)


def part_chain(part: str, upto: int) -> list[bytes | None]:
    """The changes kept for one part up to version ``upto``, in version order."""
    return [None if change is None else bytes(change) for change in
            m.ListPart.objects.filter(part=part, version__lte=upto).order_by("version")
            .values_list("change", flat=True)]


def parts_changed(after: int, upto: int) -> set[str]:
    """The parts that changed in the versions after ``after`` up to ``upto``."""
    return set(m.ListPart.objects.filter(version__gt=after, version__lte=upto)
               .values_list("part", flat=True))


def whole_lists(number: int) -> bytes | None:
    """The lists version ``number`` kept whole (a version published before versions kept
    their changes, not converted yet), or None."""
    row = m.WholeLists.objects.filter(version=number).values_list("lists", flat=True).first()
    return None if row is None else bytes(row)


def whole_versions() -> list[int]:
    return list(m.WholeLists.objects.order_by("version").values_list("version", flat=True))


def drop_whole(number: int) -> None:
    m.WholeLists.objects.filter(version=number).delete()


def add_to_version(number: int, records: Sequence[ProposalRecord], seq: int) -> None:
    """The proposals a version published, in order."""
    for position, record in enumerate(records):
        m.VersionProposal.objects.create(version_id=number, position=position,
                                         proposal=record, audit_seq=seq)


def county_state(version: int, revision: str) -> bytes | None:
    """The county's state kept after ``version`` for the county data ``revision``."""
    row = m.CountyState.objects.filter(version=version, county_revision=revision).first()
    return None if row is None else bytes(row.state)


def has_county_state(version: int, revision: str) -> bool:
    return m.CountyState.objects.filter(version=version, county_revision=revision).exists()


def keep_county_state(version: int, revision: str, state: bytes, seq: int) -> None:
    """Keep the county's state after ``version`` for the county data ``revision``."""
    m.CountyState.objects.create(version_id=version, county_revision=revision, state=state,
                                 audit_seq=seq)


def county_revision() -> str | None:
    """The county data the store last recorded."""
    row = m.StoreMeta.objects.filter(key="county_revision").first()
    return None if row is None else row.value


def record_county_revision(revision: str) -> None:
    m.StoreMeta.objects.update_or_create(key="county_revision", defaults={"value": revision})


def version(number: int | None = None) -> Any | None:
    """A published version's row (the newest when ``number`` is None)."""
    rows = m.ListVersion.objects.order_by("-number")
    return rows.first() if number is None else rows.filter(number=number).first()


def version_numbers() -> list[int]:
    return list(m.ListVersion.objects.order_by("number").values_list("number", flat=True))


def version_times() -> list[tuple[int, datetime]]:
    """When each version was published, oldest first."""
    return list(m.ListVersion.objects.order_by("number").values_list("number", "at"))


def versions() -> list[tuple[int, datetime, int, str, list[str]]]:
    """Every version, newest first: number, time, audit entry, that entry's MAC and the
    proposals it published."""
    rows = list(m.ListVersion.objects.order_by("-number").values_list("number", "at",
                                                                       "audit_seq"))
    macs = dict(m.AuditEntry.objects.filter(seq__in=[r[2] for r in rows])
                .values_list("seq", "mac"))
    links: dict[int, list[str]] = {}
    for number, pid in m.VersionProposal.objects.order_by("version", "position") \
            .values_list("version", "proposal"):
        links.setdefault(number, []).append(pid)
    return [(number, at, seq, macs.get(seq, ""), links.get(number, []))
            for number, at, seq in rows]


def admitted_meetings() -> dict[str, datetime]:
    """When the county admitted each proposal (its newest admitting meeting)."""
    return {r.proposal_id: r.at for r in m.MeetingRecord.objects.filter(outcome="admit")
            .order_by("seq")}


# -- the audit chain, read -----------------------------------------------------------------


def entry(seq: int) -> Any | None:
    return m.AuditEntry.objects.filter(seq=seq).first()


def head() -> tuple[int, str] | None:
    """The chain's newest entry: sequence number and MAC (None: a new store)."""
    row = m.AuditHead.objects.filter(pk=1).first()
    return None if row is None else (row.seq, row.mac)


def entries(*, action: str = "", proposal: str = "", account: str = "", page: int,
            size: int) -> tuple[list[tuple[Any, ...]], int, int]:
    """One page of the audit entries, newest first, narrowed by action, proposal and account
    (exact): (seq, at, account, role, action, proposal, before, after) each; the number of
    matching entries; the page shown (``page`` kept within the pages there are)."""
    query = m.AuditEntry.objects.order_by("-seq")
    if action:
        query = query.filter(action=action)
    if proposal:
        query = query.filter(proposal=proposal)
    if account:
        query = query.filter(account=account)
    total = query.count()
    page = min(max(page, 1), max(1, -(-total // size)))
    rows = list(query.values_list("seq", "at", "account", "role", "action", "proposal",
                                  "state_before", "state_after")[(page - 1) * size:page * size])
    return rows, total, page


def entry_actions() -> list[str]:
    return sorted(set(m.AuditEntry.objects.values_list("action", flat=True).distinct()))


def bind(meta: dict[str, str]) -> None:
    """What a new store is bound to (county, process, mode …)."""
    for key, value in meta.items():
        m.StoreMeta.objects.create(key=key, value=value)


# -- lookups of the published lists for 12345 tickets --------------------------------------


def add_lookup(**fields: Any) -> None:
    m.WhoLookup.objects.create(**fields)


def lookups(since: datetime, until: datetime) -> list[Any]:
    """The lookups made in [since, until), in order."""
    return list(m.WhoLookup.objects.filter(at__gte=since, at__lt=until).order_by("seq"))


# -- background jobs -------------------------------------------------------------------------
# A job's row changes as it runs (its progress): it is written outside any step's transaction
# and the audit chain does not cover it; the step a job takes is audited as ever.

JobRecord = m.JobRecord


def published_under(key: str) -> int | None:
    """The version a publication made under the job key ``key`` (None: none was made)."""
    entry = m.AuditEntry.objects.filter(action=Action.publish.value, detail__job=key)\
        .order_by("seq").first()
    if entry is None:
        return None
    row = m.VersionProposal.objects.filter(proposal_id=entry.proposal)\
        .order_by("-version_id").values_list("version_id", flat=True).first()
    return None if row is None else int(row)


def add_job(**fields: Any) -> JobRecord:
    return JobRecord.objects.create(**fields)


def find_job(job_id: int) -> JobRecord | None:
    return JobRecord.objects.filter(pk=job_id).first()


def jobs(limit: int = 100) -> list[JobRecord]:
    """The newest jobs first."""
    return list(JobRecord.objects.order_by("-pk")[:limit])


def update_job(job_id: int, **fields: Any) -> None:
    JobRecord.objects.filter(pk=job_id).update(**fields)
