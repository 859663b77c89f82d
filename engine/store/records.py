"""Every model of the store, from its apps, as one namespace (``m`` in ``engine.store.orm``).

Rows that record what happened (decisions, opinions, meetings, list versions, the changes
they keep and the county states they rest on, role bindings, account seals, submissions, notes
and attachments) are written once and never changed; each names the audit entry that wrote it
(``audit_seq``), and that entry's keyed digest covers them. The proposal row changes as the
proposal moves on; the newest audit entry of the proposal commits to its current content. The
digests serialise every typed value one canonical way (``engine.store.audit.row_fields``), so
they are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import models

from engine.store.accounts.models import AccountSeal, ApiToken, RoleBinding
from engine.store.admission.models import (
    Attachment,
    DecisionRecord,
    MeetingRecord,
    OpinionRecord,
    ProposalRecord,
    StepNoteRecord,
    Submission,
)
from engine.store.jobs.models import JobRecord
from engine.store.models import AuditEntry, AuditHead, StoreMeta
from engine.store.publication.models import (
    CountyState,
    ListPart,
    ListVersion,
    VersionProposal,
    VersionSummary,
    WholeLists,
    WhoLookup,
)

# the tables whose rows an audit entry covers, in digest order
COVERED: tuple[type[models.Model], ...] = (
    DecisionRecord, OpinionRecord, MeetingRecord, ListVersion, VersionProposal, CountyState,
    RoleBinding, AccountSeal, Submission, StepNoteRecord, Attachment, ListPart)

__all__ = ["COVERED", "AccountSeal", "ApiToken", "Attachment", "AuditEntry", "AuditHead",
           "CountyState", "DecisionRecord", "JobRecord", "ListPart", "ListVersion",
           "MeetingRecord", "OpinionRecord", "ProposalRecord", "RoleBinding", "StepNoteRecord",
           "StoreMeta", "Submission", "VersionProposal", "VersionSummary", "WhoLookup",
           "WholeLists"]
