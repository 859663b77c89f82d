"""One row per background job. Its progress changes while it runs (it is no record of a step:
the step a job takes writes its own audit entry), so the audit chain does not cover it."""

from __future__ import annotations

from django.db import models

from engine.labels import JOB_KINDS, JOB_STATES


class JobRecord(models.Model):
    kind = models.CharField("任务", max_length=20, choices=JOB_KINDS)
    county = models.CharField("县区", max_length=100)  # the county the job acts for
    account = models.CharField("账号", max_length=150)
    role = models.CharField("角色", max_length=100)
    arguments = models.JSONField("参数")  # what the job works on; never a secret
    key = models.CharField("幂等键", max_length=64, unique=True)
    state = models.CharField("状态", max_length=10, choices=JOB_STATES, default="queued")
    stage = models.CharField("阶段", max_length=100, default="")
    done = models.IntegerField("已完成", default=0)
    total = models.IntegerField("总数", default=0)
    attempts = models.IntegerField("执行次数", default=0)
    result = models.JSONField("结果", null=True)
    error = models.TextField("错误", default="")
    created = models.DateTimeField("提交时间")
    started = models.DateTimeField("开始时间", null=True)
    finished = models.DateTimeField("结束时间", null=True)

    class Meta:
        db_table = "duty_job"
        verbose_name = verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return f"任务 {self.pk}（{JOB_KINDS.get(self.kind, self.kind)}）"
