"""The published lists: each version, what changed in its lists since the version before, the
proposals it published, the county's state after it (so that commands start from it instead
of replaying history), and the lookups made in them for 12345 tickets.
"""

from __future__ import annotations

from django.db import models

from engine.store.admission.models import ProposalRecord


class ListVersion(models.Model):
    number = models.IntegerField("版本号", primary_key=True)
    at = models.DateTimeField("公布时间")
    # "sha256:" and the SHA-256 of the lists' JSON as published (of the zlib-compressed JSON
    # for a version published before versions kept their changes, which kept it whole); the
    # lists themselves are the version's parts (``ListPart``), or ``WholeLists`` until such
    # an older version is converted
    digest = models.CharField("清单摘要", max_length=71, db_column="lists")
    names = models.JSONField("名称")  # Chinese names by id, for rendering
    county_revision = models.CharField("县区数据版本", max_length=64)
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_version"
        verbose_name = verbose_name_plural = "清单版本"

    def __str__(self) -> str:
        return f"第 {self.number} 版"


class VersionSummary(models.Model):
    """A published version's lists summed up for the province: per catalogue item, the
    streets placing it on each list (``engine.models.lists.ListSummary``), so that a province
    reads its counties without their whole lists. Derived from the lists the audit covers, it
    is sealed with the audit key instead (``seal``) and made again from the lists when
    missing (a version published before summaries were kept) or when its seal fails."""

    version = models.OneToOneField(ListVersion, models.PROTECT, primary_key=True,
                                   db_column="version", related_name="summary",
                                   verbose_name="清单版本")
    summary = models.BinaryField("清单摘要")  # zlib-compressed JSON
    seal = models.CharField("密封签名", max_length=64)  # keys.sealed over number and summary
    # the lists' totals (``engine.models.lists.ListTotals``) as JSON, sealed the same way;
    # None: kept before totals were
    totals = models.BinaryField("清单合计", null=True)
    totals_seal = models.CharField("合计的密封签名", max_length=64, blank=True, default="")

    class Meta:
        db_table = "duty_version_summary"
        verbose_name = verbose_name_plural = "清单摘要"

    def __str__(self) -> str:
        return f"第 {self.version_id} 版摘要"


class ListPart(models.Model):
    """One part of a version's lists (the head, a street's lists or a department's), as its
    change since the version before (``engine.store.list_parts``): a version keeps only
    the parts that changed."""

    # "version/part": the same key for the same change, however often it is written
    key = models.CharField("编号", max_length=140, primary_key=True)
    version = models.ForeignKey(ListVersion, models.PROTECT, db_column="version",
                                related_name="parts", verbose_name="清单版本")
    part = models.CharField("部分", max_length=120)  # "", "s:" street id, "d:" department id
    change = models.BinaryField("变化", null=True)  # zlib-compressed JSON; None: taken away
    audit_seq = models.BigIntegerField("审计记录", db_index=True)

    class Meta:
        db_table = "duty_version_part"
        verbose_name = verbose_name_plural = "清单版本的变化"
        # one part's changes up to a version: a street's or a department's lists read alone
        indexes = [models.Index(fields=["part", "version"], name="duty_part_by_version")]

    def __str__(self) -> str:
        return f"第 {self.version_id} 版：{self.part or '（总目）'}"


class WholeLists(models.Model):
    """The whole lists of a version published before versions kept their changes (its
    zlib-compressed JSON, whose digest the version's row holds), until the next write
    command converts them into parts under an audit entry of its own."""

    version = models.OneToOneField(ListVersion, models.PROTECT, db_column="version",
                                   primary_key=True, related_name="whole",
                                   verbose_name="清单版本")
    lists = models.BinaryField("清单")

    class Meta:
        db_table = "duty_version_whole"
        verbose_name = verbose_name_plural = "整份保存的清单"

    def __str__(self) -> str:
        return f"第 {self.version_id} 版"


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
