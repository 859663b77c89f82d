"""Forms of the account pages: a new account, more roles, a CSV file of accounts. They only
carry what the administrator typed; the checks (user name, password validators, roles, the
file's rows) are the engine's (``engine.workflow.accounts``, ``account_import``), and their
refusals are put next to the field they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from engine.errors import UsageError
from engine.labels import ROLES
from engine.loading.workspace import Workspace
from engine.workflow.account_import import MAX_BYTES
from engine.workflow.accounts import check_name, check_username
from engine.workflow.names import RoleKind


def role_choices(ws: Workspace) -> list[tuple[str, str]]:
    """Every role of the county, by its Chinese name (the value is the role's code)."""
    county = ws.county
    out = [(k.value, ROLES[k.value]) for k in (RoleKind.office, RoleKind.justice,
                                                RoleKind.county, RoleKind.admin)]
    out += [(f"department:{d.id}", f"{ROLES['department']}：{d.name}")
            for d in county.departments.values()]
    out += [(f"street:{s.id}", f"{ROLES['street']}：{s.name}") for s in county.streets.values()]
    return out


class AccountForm(forms.Form):
    username = forms.CharField(label="账号名", max_length=150,
                               help_text="登录时输入的名称：字母（可以是汉字）、数字和 _ . @ + -")
    name = forms.CharField(label="姓名", max_length=150, required=False)
    roles = forms.MultipleChoiceField(label="角色", widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "至少选择一个角色"})
    password = forms.CharField(
        label="初始密码", required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空时由系统生成临时密码，只显示一次。无论哪种，该账号首次登录后都须修改密码。")

    def __init__(self, *args: Any, ws: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(ws)

    def clean_username(self) -> str:
        return _checked(check_username, self.cleaned_data["username"].strip())

    def clean_name(self) -> str:
        return _checked(check_name, self.cleaned_data.get("name") or "")


def _checked(check: Any, value: str) -> str:
    """The engine's check of a field, its refusal as the field's error."""
    try:
        out = check(value)
    except UsageError as exc:
        raise forms.ValidationError(exc.message + (f"（{exc.hint}）" if exc.hint else "")) \
            from None
    return value if out is None else str(out)


class GrantForm(forms.Form):
    roles = forms.MultipleChoiceField(label="添加的角色", widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "至少选择一个角色"})

    def __init__(self, *args: Any, ws: Workspace, held: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [c for c in role_choices(ws) if c[0] not in held]


class ImportForm(forms.Form):
    file = forms.FileField(label="账号文件（CSV）",
                           help_text="第一行为表头：账号,姓名,角色,部门/街道；每行一个账号。"
                                     "UTF-8 或 GB18030 编码。",
                           error_messages={"required": "请选择要导入的 CSV 文件"})

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = min(MAX_BYTES, int(settings.MAX_UPLOAD_BYTES))  # the web's bound on uploads
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大（{upload.size:,} 字节），账号文件不能超过 "
                                        f"{limit // 1024} KB；可分成几个文件导入")
        return upload
