"""The tables of the store.

Rows that record what happened (decisions, opinions, meetings, list versions and the county
states they rest on, role bindings) are written once and never changed; each names the audit
entry that wrote it (``audit_seq``), and that entry's keyed digest covers them. The proposal
row changes as the proposal moves on; the newest audit entry of the proposal commits to its
current content. Times are kept as date-times (China time when read), deadlines as dates and
documents as JSON; the digests serialise every typed value one canonical way
(``engine.store.audit.row_fields``), so they are the same on SQLite and PostgreSQL. A
decision and its item are the exception: they are the engine's JSON documents, kept byte for
byte as the audit committed to them and read back with their pydantic models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from engine.labels import LABELS, LEGAL, MEETING, STAGES, URGENCY

CLOCKS = {"real": "系统时钟", "fixed": "演练时钟（DUTY_NOW）", "legacy": "旧版数据库"}
CHANGES = {k: LABELS[k] for k in ("admit", "recall", "revise")}
VERDICTS = {k: LABELS[k] for k in ("admitted", "admitted_with_conditions", "deferred",
                                   "returned", "rejected", "not_applicable")}
OPINIONS = {k: LABELS[k] for k in ("agree", "agree_with_conditions", "object")}


class StoreMeta(models.Model):
    """What the store is bound to: county, process, mode (accounts or local), rehearsal."""

    key = models.CharField("项", max_length=64, primary_key=True)
    value = models.TextField("值")

    class Meta:
        db_table = "duty_meta"
        verbose_name = verbose_name_plural = "数据库绑定信息"

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class AuditHead(models.Model):
    """One row: the newest entry of the chain. Writers lock it first, so that commands are
    serialised and the chain cannot fork."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField("最新序号", default=0)
    mac = models.CharField("最新签名", max_length=64, default="")

    class Meta:
        db_table = "duty_audit_head"
        verbose_name = verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.seq}:{self.mac[:12]}"


class AuditEntry(models.Model):
    seq = models.BigIntegerField("序号", primary_key=True)
    at = models.DateTimeField("时间")
    account = models.CharField("账号", max_length=150)  # an account, local:OSUSER, system
    role = models.CharField("角色", max_length=100)
    action = models.CharField("操作", max_length=40, db_index=True)
    # the proposal's id as the step named it: an entry may name a proposal that a refused
    # step never stored, so this is no foreign key
    proposal = models.CharField("申请", max_length=100, null=True, db_index=True)
    state_before = models.CharField("原状态", max_length=40, null=True)
    state_after = models.CharField("新状态", max_length=40, null=True)
    detail = models.JSONField("详情")
    clock = models.CharField("时钟", max_length=10, choices=CLOCKS)
    rows = models.CharField("写入数据摘要", max_length=64)  # digest of the rows it wrote
    record = models.CharField("申请记录摘要", max_length=64)  # the proposal row after the step
    prev = models.CharField("前一条签名", max_length=64)
    mac = models.CharField("签名", max_length=64)

    class Meta:
        db_table = "duty_audit"
        verbose_name = verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class ProposalRecord(models.Model):
    id = models.CharField("编号", max_length=100, primary_key=True)
    department = models.CharField("部门", max_length=100)
    title = models.TextField("标题")
    # the process file names the states (engine.workflow.names checks it when it loads)
    state = models.CharField("状态", max_length=40, db_index=True)
    revision = models.IntegerField("修订次数")
    document = models.JSONField("申请内容")  # the proposal as submitted
    streets = models.JSONField("目标街道")  # target street ids
    urgency = models.CharField("紧急程度", max_length=20, choices=URGENCY)
    legal = models.CharField("合法性审查", max_length=20, default="pending", choices=LEGAL)
    state_since = models.DateTimeField("进入当前状态")
    due = models.DateField("当前环节期限", null=True)
    due_estimated = models.BooleanField("期限为估算", default=False)
    created = models.DateTimeField("创建时间")
    change = models.CharField("申请类型", max_length=20, default="admit", choices=CHANGES)
    applicant = models.CharField("申请方", max_length=120)  # department:ID or street:ID

    class Meta:
        db_table = "duty_proposal"
        verbose_name = verbose_name_plural = "准入申请"

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class DecisionRecord(models.Model):
    seq = models.BigAutoField(primary_key=True)
    proposal = models.ForeignKey(ProposalRecord, models.PROTECT, db_column="proposal",
                                 related_name="decisions", verbose_name="申请")
    stage = models.CharField("评估时点", max_length=20, choices=STAGES)
    at = models.DateTimeField("时间")
    verdict = models.CharField("结论", max_length=40, choices=VERDICTS)
    policy_id = models.CharField("政策包", max_length=100)
    policy_version = models.CharField("政策包版本", max_length=40)
    policy_hash = models.CharField("政策包摘要", max_length=100)
    county_revision = models.CharField("县区数据版本", max_length=64)  # the data it rests on
    # the engine's JSON documents, byte for byte as the audit committed to them
    decision = models.TextField("评估结论（JSON）")
    item = models.TextField("事项（JSON）")
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_decision"
        verbose_name = verbose_name_plural = "评估结论"

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.stage} {self.verdict}"


class OpinionRecord(models.Model):
    seq = models.BigAutoField(primary_key=True)
    proposal = models.ForeignKey(ProposalRecord, models.PROTECT, db_column="proposal",
                                 related_name="opinions", verbose_name="申请")
    street = models.CharField("街道", max_length=100)
    opinion = models.CharField("意见", max_length=30, choices=OPINIONS)
    note = models.TextField("说明", null=True)
    at = models.DateTimeField("时间")
    actor = models.CharField("反馈人", max_length=150)
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_opinion"
        verbose_name = verbose_name_plural = "街道意见"

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.street} {self.opinion}"


class MeetingRecord(models.Model):
    seq = models.BigAutoField(primary_key=True)
    proposal = models.ForeignKey(ProposalRecord, models.PROTECT, db_column="proposal",
                                 related_name="meetings", verbose_name="申请")
    ref = models.TextField("会议", null=True)
    outcome = models.CharField("审定结果", max_length=20, choices=MEETING)
    at = models.DateTimeField("时间")
    actor = models.CharField("记录人", max_length=150)
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_meeting"
        verbose_name = verbose_name_plural = "会议审定"

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.outcome}"


class ListVersion(models.Model):
    number = models.IntegerField("版本号", primary_key=True)
    at = models.DateTimeField("公布时间")
    # the published lists, zlib-compressed JSON: a county's lists run to megabytes
    lists = models.BinaryField("清单")
    names = models.JSONField("名称")  # Chinese names by id, for rendering
    county_revision = models.CharField("县区数据版本", max_length=64)
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_version"
        verbose_name = verbose_name_plural = "清单版本"

    def __str__(self) -> str:
        return f"第 {self.number} 版"


class VersionProposal(models.Model):
    version = models.ForeignKey(ListVersion, models.PROTECT, db_column="version",
                                related_name="proposals", verbose_name="清单版本")
    position = models.IntegerField("顺序")
    proposal = models.ForeignKey(ProposalRecord, models.PROTECT, db_column="proposal",
                                 related_name="publications", verbose_name="申请")
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_version_proposal"
        verbose_name = verbose_name_plural = "版本包含的申请"
        constraints = [models.UniqueConstraint(fields=["version", "proposal"],
                                               name="one_proposal_per_version")]

    def __str__(self) -> str:
        return f"第 {self.version_id} 版：{self.proposal_id}"


class CountyState(models.Model):
    """The county's catalogue, admissions and recalls after a published version, for the
    county data it was computed on: commands start from it instead of replaying history."""

    seq = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(ListVersion, models.PROTECT, db_column="version",
                                related_name="county_states", verbose_name="清单版本")
    county_revision = models.CharField("县区数据版本", max_length=64)
    state = models.BinaryField("县区状态")  # zlib-compressed JSON
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_county_state"
        verbose_name = verbose_name_plural = "县区状态"
        constraints = [models.UniqueConstraint(fields=["version", "county_revision"],
                                               name="one_state_per_version_and_county")]

    def __str__(self) -> str:
        return f"第 {self.version_id} 版（{self.county_revision[:12]}）"


class RoleBinding(models.Model):
    """A role an account holds in the store's county: department:ID, street:ID, office,
    justice, county or admin."""

    seq = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="duty_roles", verbose_name="账号")
    county = models.CharField("县区", max_length=200)
    role = models.CharField("角色", max_length=120)
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_role_binding"
        verbose_name = verbose_name_plural = "角色"
        constraints = [models.UniqueConstraint(fields=["user", "county", "role"],
                                               name="one_binding_per_role")]

    def __str__(self) -> str:
        return f"{self.role}（{self.county}）"


class ApiToken(models.Model):
    """A token for the command line: only its SHA-256 digest is kept."""

    seq = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="duty_tokens", verbose_name="账号")
    digest = models.CharField("摘要", max_length=64, unique=True)
    hint = models.CharField("末位", max_length=8)  # the last characters, to tell tokens apart
    created = models.DateTimeField("签发时间")
    revoked = models.DateTimeField("吊销时间", null=True)

    class Meta:
        db_table = "duty_api_token"
        verbose_name = verbose_name_plural = "命令行令牌"

    def __str__(self) -> str:
        return f"…{self.hint}"


class WhoLookup(models.Model):
    """A `duty who` lookup made from the web for a 12345 ticket: when, by which account and
    role, for which street, in which published version, and the item answered first (none when
    nothing matched). The complaint's text is not kept (it may name people); the ticket number
    leads back to it."""

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField("时间")
    account = models.CharField("账号", max_length=150)
    role = models.CharField("角色", max_length=100)
    ticket = models.CharField("工单编号", max_length=40)
    street = models.CharField("街道", max_length=100, db_index=True)
    version = models.IntegerField("清单版本")
    item = models.CharField("首选事项", max_length=100, null=True, db_index=True)
    department = models.CharField("首选部门", max_length=100, null=True, db_index=True)

    class Meta:
        db_table = "duty_who_lookup"
        verbose_name = verbose_name_plural = "诉求归属查询"

    def __str__(self) -> str:
        return f"{self.ticket or '（无工单）'} {self.street}"


class AccountSeal(models.Model):
    """What the record says an account is after a command changed it: the digest of its user
    row (name, password hash, active), its role bindings and its tokens (digests, revocations),
    and whether its password must be changed at the next log-in. Written once, like the other
    covered rows; the newest seal of an account is the one every log-in is checked against."""

    seq = models.BigAutoField(primary_key=True)
    username = models.CharField("账号", max_length=150, db_index=True)
    digest = models.CharField("摘要", max_length=64)
    must_change = models.BooleanField("须修改密码", default=False)  # a temporary password
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_account_seal"
        verbose_name = verbose_name_plural = "账号封签"

    def __str__(self) -> str:
        return f"{self.username} #{self.audit_seq}"


class Submission(models.Model):
    """A proposal as its applicant submitted it, each time (the first submission and every
    resubmission after a return): what reviewers compare a resubmission with."""

    seq = models.BigAutoField(primary_key=True)
    proposal = models.ForeignKey(ProposalRecord, models.PROTECT, db_column="proposal",
                                 related_name="submissions", verbose_name="申请")
    revision = models.IntegerField("修订次数")
    document = models.JSONField("申请内容")  # as in the proposal row
    at = models.DateTimeField("提交时间")
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_submission"
        verbose_name = verbose_name_plural = "提交的申请稿"

    def __str__(self) -> str:
        return f"{self.proposal_id} 第 {self.revision} 稿"


class StepNoteRecord(models.Model):
    """What the county office wrote with its review, or the justice bureau with its legal
    review: the opinion (意见) and its basis (依据), on which draft, by whom."""

    seq = models.BigAutoField(primary_key=True)
    proposal = models.ForeignKey(ProposalRecord, models.PROTECT, db_column="proposal",
                                 related_name="notes", verbose_name="申请")
    action = models.CharField("环节", max_length=40)  # pass_review, return, legal_pass, …
    revision = models.IntegerField("修订次数")
    text = models.TextField("意见")
    basis = models.TextField("依据")
    at = models.DateTimeField("时间")
    actor = models.CharField("填写人", max_length=150)
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_step_note"
        verbose_name = verbose_name_plural = "审核或审查意见"

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.action}"


class Attachment(models.Model):
    """A file attached to a step's note (PDF, Word, Excel, PNG or JPEG, bounded in size); its
    content is kept here, and the audit entry that wrote it covers its digest."""

    seq = models.BigAutoField(primary_key=True)
    proposal = models.ForeignKey(ProposalRecord, models.PROTECT, db_column="proposal",
                                 related_name="attachments", verbose_name="申请")
    note = models.ForeignKey(StepNoteRecord, models.PROTECT, db_column="note",
                             related_name="attachments", verbose_name="意见")
    name = models.CharField("文件名", max_length=200)
    kind = models.CharField("类型", max_length=10)  # engine.workflow.notes.KINDS
    size = models.IntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    content = models.BinaryField("内容")
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_attachment"
        verbose_name = verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name


# the tables whose rows an audit entry covers, in digest order
COVERED: tuple[type[models.Model], ...] = (
    DecisionRecord, OpinionRecord, MeetingRecord, ListVersion, VersionProposal, CountyState,
    RoleBinding, AccountSeal, Submission, StepNoteRecord, Attachment)
