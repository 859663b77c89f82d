"""Accounts in the store's county: the roles they hold, their command-line tokens, and the
seals that say what the record says each account is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
