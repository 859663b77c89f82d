"""The tables of the store.

Rows that record what happened (decisions, opinions, meetings, list versions and the county
states they rest on, role bindings) are written once and never changed; each names the audit
entry that wrote it (``audit_seq``), and that entry's keyed digest covers them. The proposal
row changes as the proposal moves on; the newest audit entry of the proposal commits to its
current content. JSON is kept as canonical text so that digests are the same on every database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StoreMeta(models.Model):
    """What the store is bound to: county, process, mode (accounts or local), rehearsal."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.TextField()

    class Meta:
        db_table = "duty_meta"


class AuditHead(models.Model):
    """One row: the newest entry of the chain. Writers lock it first, so that commands are
    serialised and the chain cannot fork."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, default="")

    class Meta:
        db_table = "duty_audit_head"


class AuditEntry(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    at = models.CharField(max_length=40)
    account = models.CharField(max_length=150)  # who acted: an account, local:OSUSER, system
    role = models.CharField(max_length=100)
    action = models.CharField(max_length=40, db_index=True)
    proposal = models.CharField(max_length=100, null=True, db_index=True)
    state_before = models.CharField(max_length=40, null=True)
    state_after = models.CharField(max_length=40, null=True)
    detail = models.TextField()  # canonical JSON
    clock = models.CharField(max_length=10)  # real | fixed (a rehearsal's DUTY_NOW)
    rows = models.CharField(max_length=64)  # digest of the rows this entry wrote
    record = models.CharField(max_length=64)  # digest of the proposal row after the step
    prev = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        db_table = "duty_audit"


class Proposal(models.Model):
    id = models.CharField(max_length=100, primary_key=True)
    department = models.CharField(max_length=100)
    title = models.TextField()
    state = models.CharField(max_length=40, db_index=True)
    revision = models.IntegerField()
    document = models.TextField()  # the proposal as submitted (canonical JSON)
    streets = models.TextField()  # target street ids (JSON list)
    urgency = models.CharField(max_length=20)
    legal = models.CharField(max_length=20, default="pending")
    state_since = models.CharField(max_length=40)
    due = models.CharField(max_length=10, null=True)  # deadline of the current state
    due_estimated = models.BooleanField(default=False)
    created = models.CharField(max_length=40)
    change = models.CharField(max_length=20, default="admit")
    applicant = models.CharField(max_length=120)  # department:ID or street:ID

    class Meta:
        db_table = "duty_proposal"


class Decision(models.Model):
    seq = models.BigAutoField(primary_key=True)
    proposal = models.CharField(max_length=100, db_index=True)
    stage = models.CharField(max_length=20)
    at = models.CharField(max_length=40)
    verdict = models.CharField(max_length=40)
    policy_id = models.CharField(max_length=100)
    policy_version = models.CharField(max_length=40)
    policy_hash = models.CharField(max_length=100)
    county_revision = models.CharField(max_length=64)  # the county data it was made on
    decision = models.TextField()
    item = models.TextField()
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_decision"


class Opinion(models.Model):
    seq = models.BigAutoField(primary_key=True)
    proposal = models.CharField(max_length=100, db_index=True)
    street = models.CharField(max_length=100)
    opinion = models.CharField(max_length=30)
    note = models.TextField(null=True)
    at = models.CharField(max_length=40)
    actor = models.CharField(max_length=150)
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_opinion"


class Meeting(models.Model):
    seq = models.BigAutoField(primary_key=True)
    proposal = models.CharField(max_length=100, db_index=True)
    ref = models.TextField(null=True)
    outcome = models.CharField(max_length=20)
    at = models.CharField(max_length=40)
    actor = models.CharField(max_length=150)
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_meeting"


class ListVersion(models.Model):
    number = models.IntegerField(primary_key=True)
    at = models.CharField(max_length=40)
    lists = models.BinaryField()  # the published lists (zlib-compressed JSON)
    names = models.TextField()  # Chinese names by id, for rendering (JSON)
    county_revision = models.CharField(max_length=64)
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_version"


class VersionProposal(models.Model):
    version = models.IntegerField()
    position = models.IntegerField()
    proposal = models.CharField(max_length=100, db_index=True)
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_version_proposal"
        constraints = [models.UniqueConstraint(fields=["version", "proposal"],
                                               name="one_proposal_per_version")]


class CountyState(models.Model):
    """The county's catalogue, admissions and recalls after a published version, for the
    county data it was computed on: commands start from it instead of replaying history."""

    seq = models.BigAutoField(primary_key=True)
    version = models.IntegerField()
    county_revision = models.CharField(max_length=64)
    state = models.BinaryField()  # zlib-compressed JSON
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_county_state"
        constraints = [models.UniqueConstraint(fields=["version", "county_revision"],
                                               name="one_state_per_version_and_county")]


class RoleBinding(models.Model):
    """A role an account holds in the store's county: department:ID, street:ID, office,
    justice, county or admin."""

    seq = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="duty_roles")
    county = models.CharField(max_length=200)
    role = models.CharField(max_length=120)
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_role_binding"
        constraints = [models.UniqueConstraint(fields=["user", "county", "role"],
                                               name="one_binding_per_role")]


class ApiToken(models.Model):
    """A token for the command line: only its SHA-256 digest is kept."""

    seq = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="duty_tokens")
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8)  # the last characters, to tell tokens apart
    created = models.CharField(max_length=40)
    revoked = models.CharField(max_length=40, null=True)

    class Meta:
        db_table = "duty_api_token"


class WhoLookup(models.Model):
    """A `duty who` lookup made from the web for a 12345 ticket: when, by which account and
    role, for which street, in which published version, and the item answered first (none when
    nothing matched). The complaint's text is not kept (it may name people); the ticket number
    leads back to it."""

    seq = models.BigAutoField(primary_key=True)
    at = models.CharField(max_length=40)
    account = models.CharField(max_length=150)
    role = models.CharField(max_length=100)
    ticket = models.CharField(max_length=40)
    street = models.CharField(max_length=100, db_index=True)
    version = models.IntegerField()
    item = models.CharField(max_length=100, null=True, db_index=True)
    department = models.CharField(max_length=100, null=True, db_index=True)

    class Meta:
        db_table = "duty_who_lookup"


class AccountSeal(models.Model):
    """What the record says an account is after a command changed it: the digest of its user
    row (name, password hash, active), its role bindings and its tokens (digests, revocations),
    and whether its password must be changed at the next log-in. Written once, like the other
    covered rows; the newest seal of an account is the one every log-in is checked against."""

    seq = models.BigAutoField(primary_key=True)
    username = models.CharField(max_length=150, db_index=True)
    digest = models.CharField(max_length=64)
    must_change = models.BooleanField(default=False)  # a temporary password
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_account_seal"


class Submission(models.Model):
    """A proposal as its applicant submitted it, each time (the first submission and every
    resubmission after a return): what reviewers compare a resubmission with."""

    seq = models.BigAutoField(primary_key=True)
    proposal = models.CharField(max_length=100, db_index=True)
    revision = models.IntegerField()
    document = models.TextField()  # canonical JSON, as in the proposal row
    at = models.CharField(max_length=40)
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_submission"
        verbose_name = "提交的申请稿"


class StepNote(models.Model):
    """What the county office wrote with its review, or the justice bureau with its legal
    review: the opinion (意见) and its basis (依据), on which draft, by whom."""

    seq = models.BigAutoField(primary_key=True)
    proposal = models.CharField(max_length=100, db_index=True)
    action = models.CharField(max_length=40)  # the step: pass_review, return, legal_pass, …
    revision = models.IntegerField()
    text = models.TextField()
    basis = models.TextField()
    at = models.CharField(max_length=40)
    actor = models.CharField(max_length=150)
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_step_note"
        verbose_name = "审核或审查意见"


class Attachment(models.Model):
    """A file attached to a step's note (PDF, Word, Excel, PNG or JPEG, bounded in size); its
    content is kept here, and the audit entry that wrote it covers its digest."""

    seq = models.BigAutoField(primary_key=True)
    proposal = models.CharField(max_length=100, db_index=True)
    note = models.BigIntegerField(db_index=True)  # StepNote.seq
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # pdf, docx, xlsx, png, jpeg
    size = models.IntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    audit_seq = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "duty_attachment"
        verbose_name = "附件"


# the tables whose rows an audit entry covers, in digest order
COVERED: tuple[type[models.Model], ...] = (Decision, Opinion, Meeting, ListVersion,
                                           VersionProposal, CountyState, RoleBinding,
                                           AccountSeal, Submission, StepNote, Attachment)
