"""A proposal's record: the proposal row (which changes as it moves on) and what its steps
wrote once and never change (each submission, the evaluations, the streets' opinions, the
meeting's outcome, the office's and the justice bureau's notes and their attachments).

Times are date-times (China time when read), deadlines dates, documents JSON. A decision and
its item are the exception: they are the engine's JSON documents, kept byte for byte as the
audit committed to them and read back with their pydantic models.
"""

from __future__ import annotations

from django.db import models

from engine.labels import LABELS, LEGAL, MEETING, STAGES, URGENCY

CHANGES = {k: LABELS[k] for k in ("admit", "recall", "revise")}
VERDICTS = {k: LABELS[k] for k in ("admitted", "admitted_with_conditions", "deferred",
                                   "returned", "rejected", "not_applicable")}
OPINIONS = {k: LABELS[k] for k in ("agree", "agree_with_conditions", "object")}


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
