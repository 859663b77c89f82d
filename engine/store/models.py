"""The record itself: what the store is bound to, the keyed audit chain and its head.

The store's other apps keep what the entries cover: ``admission`` (a proposal and its
steps), ``publication`` (the published lists) and ``accounts`` (roles and tokens); all of them
are read through ``engine.store.records`` (``m`` in ``engine.store.orm``).
"""

from __future__ import annotations

from django.db import models

CLOCKS = {"real": "系统时钟", "fixed": "演练时钟（DUTY_NOW）", "legacy": "旧版数据库"}


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
