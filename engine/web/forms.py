"""Forms: a proposal (filled in, or uploaded as a YAML file), and the steps of the process.

A proposal from either source becomes a ``ProposalSource`` through the engine's own loader and
validator (the upload is parsed by the same safe YAML loader as the command line); validation
errors are put next to the field they concern.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings

from engine.errors import AttachmentError, DataError, DataErrors, Location, NoteError
from engine.loading.proposal import ProposalSource, load_proposal
from engine.loading.workspace import Workspace
from engine.loading.yamlio import Document, validate
from engine.models.proposal import Proposal
from engine.store.keys import Anchor, parse_anchor
from engine.vocab import PHASES, POWERS, Instrument, label
from engine.workflow.names import Opinion
from engine.workflow.notes import (
    ACCEPT_ATTR,
    ACCEPTED,
    LIMIT_WORDS,
    MAX_ATTACHMENT_BYTES,
    MAX_BASIS,
    MAX_TEXT,
    AttachmentIn,
    StepNote,
    check_note,
    clean_name,
    text_required,
)

FORM_NAME = "网页表单"
CATEGORIES = ("comprehensive", "specialist", "assisting")
INSTRUMENTS = ("responsibility_pledge", "quota_breakdown", "acceptance_check", "one_vote_veto",
               "counterpart_office", "extra_nameplate", "dedicated_staff", "task_force",
               "plaques")
assert set(INSTRUMENTS) == set(Instrument.__args__)  # type: ignore[attr-defined]


def _choices(values: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(v, label(v)) for v in values]


# a field of the proposal model → the form field that shows its error
FIELD_OF = {"id": "id", "title": "title", "department": "department", "streets": "streets",
            "mode": "mode", "item.ref": "item_ref", "item.name": "item_name",
            "item.category": "category", "item.phases": "phases", "item.powers": "powers",
            "item.legal_basis": "legal_basis", "item.workload_days": "workload_days",
            "resources.funding": "funding", "resources.staff": "staff",
            "resources.powers_delegated": "powers_delegated", "instruments": "instruments",
            "higher_requirement": "higher_document", "urgency": "urgency",
            "item.domain": "domain", "change": "change", "item": "item_ref",
            "revision": "item_name", "revision.name": "item_name",
            "revision.category": "category", "revision.phases": "phases",
            "revision.powers": "powers", "revision.legal_basis": "legal_basis",
            "revision.workload_days": "workload_days", "revision.domain": "domain",
            "revision.public_facing": "revise_public_facing",
            "revision.high_volume": "revise_high_volume",
            "revision.department_duty": "department_duty", "revision.street_duty": "street_duty",
            "revision.method": "method", "revision.takeover": "takeover"}
# a trait a revision sets, leaves or clears (a checkbox cannot say "leave it")
KEEP_YES_NO = [("", "不调整"), ("yes", "是"), ("no", "否")]
CHANGES = ("admit", "recall", "revise")


class ProposalForm(forms.Form):
    upload = forms.FileField(label="或上传申请 YAML 文件", required=False,
                             help_text="与命令行 duty evaluate 所用的申请文件格式相同；"
                                       "上传后以文件内容为准，忽略下面填写的内容。")
    change = forms.ChoiceField(
        label="申请类型", required=False, initial="admit", widget=forms.RadioSelect,
        choices=[("admit", "准入：把事项交由街道承担"),
                 ("recall", "收回：从街道收回清单中的事项"),
                 ("revise", "动态调整：调整清单中事项的内容（只填要调整的字段）")],
        help_text="收回和动态调整须选择清单中已有的事项；动态调整针对事项所在的全部街道，"
                  "事项名称、依据、领域不填、环节和权力不勾、工作量不填，即不调整")
    id = forms.CharField(label="申请编号", max_length=100, required=False,
                         help_text="例如 P-2026-001，只能由英文字母、数字和 _ . - 组成")
    title = forms.CharField(label="申请标题", max_length=200, required=False)
    department = forms.ChoiceField(label="申请部门", required=False)
    item_kind = forms.ChoiceField(label="事项", choices=[("new", "新增事项（在下面描述）"),
                                                         ("ref", "清单中已有的事项")],
                                  initial="new", widget=forms.RadioSelect)
    item_ref = forms.ChoiceField(label="已有事项", required=False)
    item_name = forms.CharField(label="事项名称", max_length=200, required=False)
    category = forms.ChoiceField(label="事项类别", choices=_choices(CATEGORIES), required=False)
    phases = forms.MultipleChoiceField(label="街道承担的环节", choices=_choices(PHASES),
                                       required=False, widget=forms.CheckboxSelectMultiple)
    powers = forms.MultipleChoiceField(label="需要的权力", choices=_choices(POWERS),
                                       required=False, widget=forms.CheckboxSelectMultiple)
    domain = forms.ChoiceField(label="履职领域", required=False,
                               help_text="清单按履职领域分类编排；不选时按“其他”编排")
    legal_basis = forms.CharField(label="法律依据", max_length=500, required=False)
    public_facing = forms.BooleanField(label="直接面向群众", required=False)
    high_volume = forms.BooleanField(label="量大面广", required=False)
    workload_days = forms.IntegerField(label="每街道每年工作量（人日）", min_value=0,
                                       required=False, initial=0)
    revise_public_facing = forms.ChoiceField(
        label="调整“直接面向群众”", choices=KEEP_YES_NO, required=False,
        help_text="仅动态调整时使用")
    revise_high_volume = forms.ChoiceField(label="调整“量大面广”", choices=KEEP_YES_NO,
                                           required=False, help_text="仅动态调整时使用")
    department_duty = forms.CharField(
        label="调整后的部门职责", max_length=500, required=False, widget=forms.Textarea(
            attrs={"rows": 2}), help_text="仅动态调整时使用；不填即不调整清单中的写法")
    street_duty = forms.CharField(label="调整后的街道职责", max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text="仅动态调整时使用；不填即不调整")
    method = forms.CharField(label="调整后的履职方式", max_length=300, required=False,
                             help_text="仅动态调整时使用；不填即不调整")
    takeover = forms.ChoiceField(label="调整后的承接部门", required=False,
                                 help_text="仅动态调整时使用：事项收回后由哪个部门承接")
    all_streets = forms.BooleanField(label="全部街道", required=False)
    streets = forms.MultipleChoiceField(label="目标街道", required=False,
                                        widget=forms.CheckboxSelectMultiple)
    mode = forms.ChoiceField(label="方式", choices=_choices(("hand_over", "entrust", "assist")),
                             required=False, help_text="收回申请不填")
    funding = forms.IntegerField(label="每街道每年经费（元）", min_value=0, initial=0)
    staff = forms.IntegerField(label="每街道随事转移人员", min_value=0, initial=0)
    powers_delegated = forms.MultipleChoiceField(label="随事下放的权力", choices=_choices(POWERS),
                                                 required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    instruments = forms.MultipleChoiceField(label="采用的推动方式", choices=_choices(INSTRUMENTS),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    higher_level = forms.ChoiceField(label="上级明确要求", required=False, choices=[
        ("", "无"), ("central", "中央明确要求"), ("provincial", "省级明确要求")])
    higher_document = forms.CharField(label="要求所在文件", max_length=300, required=False)
    work_plan = forms.BooleanField(label="附有工作方案", required=False)
    urgency = forms.ChoiceField(label="紧急程度", choices=[
        ("normal", "一般"), ("temporary", "临时"), ("emergency", "突发事件")])

    def __init__(self, *args: Any, ws: Workspace, department: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = ws.county
        departments = [department] if department else list(county.departments)
        self.fields["department"].choices = [(d, ws.names.get(d, d)) for d in departments]
        self.fields["takeover"].choices = [("", "不调整")] + [
            (d, ws.names.get(d, d)) for d in county.departments]
        if department:
            self.fields["department"].initial = department
        self.fields["item_ref"].choices = [("", "——")] + [
            (i.id, f"{i.id} {i.name}") for i in county.items.values()
            if department is None or i.department == department]
        domains = ws.policy.parameters.domains
        self.fields["domain"].choices = [("", "——")] + [
            (d, d) for d in (domains.values if domains else [])]
        if domains is None:  # no vocabulary in the policy pack: any wording is accepted
            self.fields["domain"] = forms.CharField(label="履职领域", max_length=100,
                                                    required=False)
        self.fields["streets"].choices = [(s.id, s.name)
                                          for s in county.streets.values()]
        self.source: ProposalSource | None = None
        self.ws = ws

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"文件过大（{upload.size:,} 字节），申请文件不能超过 "
                f"{settings.MAX_UPLOAD_BYTES // 1024} KB")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        upload = data.get("upload")
        change = data.get("change") or "admit"
        if not upload and change != "admit" and data.get("item_kind") != "ref":
            self.add_error("item_ref", f"{label(change)}申请须选择清单中已有的事项")
            return data
        if not upload and change != "recall" and not data.get("mode"):
            self.add_error("mode", "请选择街道承担的方式")
            return data
        try:
            self.source = _from_upload(upload) if upload else _from_fields(data, self.ws)
        except DataError as exc:
            for err in getattr(exc, "errors", [exc]):
                field = _field_for(err.location.field) if not upload else "upload"
                self.add_error(field, _words(err))
        return data

    def to_data(self) -> dict[str, Any]:
        return _proposal_data(self.cleaned_data, self.ws)


def _words(err: DataError) -> str:
    where = []
    if err.location.line:
        where.append(f"第 {err.location.line} 行")
    if err.location.field:
        where.append(f"字段 {err.location.field}")
    text = ("，".join(where) + "：" if where else "") + err.message
    return text + (f"（{err.hint}）" if err.hint else "")


def _field_for(path: str | None) -> str | None:
    """The form field showing an error at ``path`` (its nearest mapped parent), or None."""
    parts = re.sub(r"\[\d+\]", "", path or "").split(".")
    while parts and parts[0]:
        if ".".join(parts) in FIELD_OF:
            return FIELD_OF[".".join(parts)]
        parts.pop()
    return None


def _from_upload(upload: Any) -> ProposalSource:
    """Parse an uploaded file with the command line's loader; messages name the file as
    uploaded, not where it was kept meanwhile."""
    name = Path(upload.name or "upload.yaml").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "proposal.yaml"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            source = load_proposal(path)
        except DataErrors as exc:
            raise DataErrors([_renamed(e, name) for e in exc.errors]) from None
        except DataError as exc:
            raise _renamed(exc, name) from None
    doc = source.doc
    return ProposalSource(source.proposal, Document(Path(name), doc.data, doc.lines, name))


def _renamed(err: DataError, name: str) -> DataError:
    loc = err.location
    return DataError(err.message, location=Location(name, loc.line, loc.field), hint=err.hint,
                     code=err.code)


def _revision(data: dict[str, Any], ws: Workspace | None) -> dict[str, Any]:
    """What a revision (动态调整) changes: the fields filled in, and those whose value differs
    from the listed item's (the category, the workload)."""
    current = ws.county.items.get(data.get("item_ref") or "") if ws is not None else None
    out: dict[str, Any] = {}
    for key, field in (("name", "item_name"), ("legal_basis", "legal_basis"),
                       ("domain", "domain"), ("department_duty", "department_duty"),
                       ("street_duty", "street_duty"), ("method", "method"),
                       ("takeover", "takeover")):
        if data.get(field):
            out[key] = data[field]
    for key in ("public_facing", "high_volume"):
        if data.get(f"revise_{key}"):
            out[key] = data[f"revise_{key}"] == "yes"
    for key in ("phases", "powers"):
        if data.get(key):
            out[key] = list(data[key])
    if data.get("category") and (current is None or data["category"] != current.category):
        out["category"] = data["category"]
    days = data.get("workload_days")
    if days and (current is None or days != current.workload_days):
        out["workload_days"] = days
    return out


def _proposal_data(data: dict[str, Any], ws: Workspace | None = None) -> dict[str, Any]:
    change = data.get("change") or "admit"
    if change != "admit" or data.get("item_kind") == "ref":
        item: dict[str, Any] = {"ref": data.get("item_ref") or ""}
    else:
        item = {"name": data.get("item_name") or "", "category": data.get("category") or "",
                "phases": list(data.get("phases") or []),
                "powers": list(data.get("powers") or []),
                "legal_basis": data.get("legal_basis") or "",
                "public_facing": bool(data.get("public_facing")),
                "high_volume": bool(data.get("high_volume")),
                "workload_days": data.get("workload_days") or 0}
        if data.get("domain"):
            item["domain"] = data["domain"]
    higher = None
    if data.get("higher_level"):
        higher = {"level": data["higher_level"], "document": data.get("higher_document") or ""}
    out: dict[str, Any] = {
        "schema_version": 1, "id": data.get("id") or "", "title": data.get("title") or "",
        "department": data.get("department") or "", "change": change,
        "streets": "all" if data.get("all_streets") else list(data.get("streets") or []),
        "mode": data.get("mode") or None, "item": item,
        "resources": {"funding": data.get("funding") or 0, "staff": data.get("staff") or 0,
                      "powers_delegated": list(data.get("powers_delegated") or [])},
        "instruments": list(data.get("instruments") or []), "higher_requirement": higher,
        "work_plan": bool(data.get("work_plan")), "urgency": data.get("urgency") or "normal",
    }
    if change == "recall":  # nothing goes to the streets: no mode, no resources
        del out["mode"], out["resources"]
    if change == "revise":
        out["streets"] = "all"
        out["revision"] = _revision(data, ws)
    return out


def _from_fields(data: dict[str, Any], ws: Workspace | None = None) -> ProposalSource:
    payload = _proposal_data(data, ws)
    doc = Document(Path(FORM_NAME), payload, {}, FORM_NAME)
    return ProposalSource(validate(Proposal, doc), doc)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTR}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class NoteForm(forms.Form):
    """A reviewer's note with a step: the opinion, its basis and attachments, checked by the
    engine's own rules (``engine.workflow.notes``); errors go next to their field."""

    text = forms.CharField(label="意见", required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(label="依据", required=False, max_length=MAX_BASIS,
                            help_text="法律法规、文件名称及条款",
                            widget=forms.Textarea(attrs={"rows": 2}))
    attachments = MultipleFileField(label="附件", required=False,
                                    help_text=f"可附 {ACCEPTED} 文件；{LIMIT_WORDS}")
    needs_text: str | None = None  # why the opinion is required, when it is

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.note = StepNote()
        if self.errors:
            return data
        files = data.get("attachments") or []
        try:
            self.note = StepNote(text=data.get("text") or "", basis=data.get("basis") or "",
                                 attachments=[AttachmentIn(name=str(f.name or ""),
                                                           content=_read_bounded(f))
                                              for f in files])
            check_note(self.note, text_required=self.requires_text(data))
        except NoteError as exc:
            self.add_error(exc.field, exc.message)
        except AttachmentError as exc:
            self.add_error("attachments", exc.message + (f"（{exc.hint}）" if exc.hint else ""))
        return data

    def requires_text(self, data: dict[str, Any]) -> str | None:
        return self.needs_text


def _read_bounded(upload: Any) -> bytes:
    """The uploaded file's bytes; a file over the limit is not read (its first bytes stand in,
    so that the check names its size)."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            f"附件 “{clean_name(str(upload.name or ''))}” 过大（{upload.size:,} 字节），"
            f"每个附件不超过 {MAX_ATTACHMENT_BYTES // 2**20} MB", name=str(upload.name),
            reason="size", maximum=MAX_ATTACHMENT_BYTES, hint="压缩图片或拆分文件后再附上。")
    return bytes(upload.read())


class ReviewForm(NoteForm):
    """The office's review: the rules decide the outcome; the office writes its notes."""

    text = forms.CharField(label="审核意见", required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 4}))


class LegalForm(NoteForm):
    result = forms.ChoiceField(label="审查结果", choices=[("passed", "通过"),
                                                          ("failed", "未通过")],
                               widget=forms.RadioSelect)
    text = forms.CharField(label="合法性审查意见", required=False, max_length=MAX_TEXT,
                           help_text="未通过时必须写明",
                           widget=forms.Textarea(attrs={"rows": 4}))

    def requires_text(self, data: dict[str, Any]) -> str | None:
        return text_required("legal_fail" if data.get("result") == "failed" else "legal_pass")


class UpwardForm(NoteForm):
    """The city's or the province's review of the county's admission (逐级报送)."""

    result = forms.ChoiceField(label="审核结果", choices=[("approve", "同意"),
                                                          ("return", "退回重新审定")],
                               widget=forms.RadioSelect)
    text = forms.CharField(label="审核意见", required=False, max_length=MAX_TEXT,
                           help_text="退回时必须写明理由",
                           widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, level: str = "city", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.level = level

    def requires_text(self, data: dict[str, Any]) -> str | None:
        return text_required(f"{self.level}_return" if data.get("result") == "return"
                             else f"{self.level}_approve")


class PublishForm(forms.Form):
    """The office publishes several admitted proposals as one version."""

    proposals = forms.MultipleChoiceField(
        label="公布的申请", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项已准入的申请。",
                        "invalid_choice": "申请 %(value)s 不是已准入待公布的申请，不能公布。"})

    def __init__(self, *args: Any, admitted: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = admitted


class OpinionForm(forms.Form):
    street = forms.CharField(widget=forms.HiddenInput)
    opinion = forms.ChoiceField(label="意见", choices=[(o.value, label(o.value))
                                                       for o in Opinion],
                                widget=forms.RadioSelect)
    note = forms.CharField(label="说明", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label="审定结果", choices=[
        ("admit", "准入"), ("reject", "不予准入"), ("provisional", "突发事件临时准入")],
        widget=forms.RadioSelect)
    body = forms.CharField(label="会议", max_length=100, required=False,
                           help_text="例如 区委常委会、区政府常务会议")
    ref = forms.CharField(label="会议编号", max_length=100, required=False,
                          help_text="例如 2026年第12次")

    def meeting(self) -> str | None:
        body, ref = self.cleaned_data.get("body", ""), self.cleaned_data.get("ref", "")
        return (body + ref).strip() or None




class AuditForm(forms.Form):
    """The audit page's filters, page, and an anchor kept outside to check the chain with."""

    action = forms.ChoiceField(label="操作", required=False)
    proposal = forms.CharField(label="申请编号", max_length=100, required=False)
    account = forms.CharField(label="账号", max_length=150, required=False)
    page = forms.IntegerField(label="页", min_value=1, required=False)
    anchor = forms.CharField(
        label="外部保存的锚点", max_length=200, required=False,
        help_text="粘贴公布清单时另行保存的审计锚点（序号:签名:密钥指纹，如 12:3f…:a1…），"
                  "核对时一并比对",
        widget=forms.TextInput(attrs={"size": 80}))

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "全部操作"), *actions]

    def clean_anchor(self) -> Anchor | None:
        text = "".join((self.cleaned_data.get("anchor") or "").split()).replace("：", ":")
        if not text:
            return None
        anchor = parse_anchor(text.lower())
        if anchor is None:
            raise forms.ValidationError("锚点格式不对：应为“序号:签名”或“序号:签名:密钥指纹”，"
                                        "签名是 64 位十六进制数字，指纹是 16 位"
                                        "（见清单文件标题中的审计锚点或审计页的锚点列表）")
        return anchor


def initial_from(document: dict[str, Any]) -> dict[str, Any]:
    """The form's fields filled with a stored admission proposal (what its applicant last
    submitted), the inverse of ``_proposal_data``."""
    item = document.get("item") or {}
    resources = document.get("resources") or {}
    higher = document.get("higher_requirement") or {}
    streets = document.get("streets")
    out: dict[str, Any] = {
        "id": document.get("id"), "title": document.get("title"),
        "change": document.get("change") or "admit",
        "department": document.get("department"), "mode": document.get("mode"),
        "urgency": document.get("urgency") or "normal",
        "all_streets": streets == "all", "streets": [] if streets == "all" else streets,
        "funding": resources.get("funding", 0), "staff": resources.get("staff", 0),
        "powers_delegated": resources.get("powers_delegated") or [],
        "instruments": document.get("instruments") or [],
        "higher_level": higher.get("level", ""), "higher_document": higher.get("document", ""),
        "work_plan": bool(document.get("work_plan")),
    }
    if "ref" in item:
        revision = {k: v for k, v in (document.get("revision") or {}).items() if v is not None}
        return {**out, "item_kind": "ref", "item_ref": item["ref"],
                "item_name": revision.get("name"), "legal_basis": revision.get("legal_basis"),
                "domain": revision.get("domain") or "", "phases": revision.get("phases") or [],
                "powers": revision.get("powers") or [],
                **{f: revision.get(f) or "" for f in ("department_duty", "street_duty",
                                                       "method", "takeover")},
                **{f"revise_{f}": ("yes" if revision[f] else "no") if f in revision else ""
                   for f in ("public_facing", "high_volume")},
                **({"category": revision["category"]} if "category" in revision else {}),
                **({"workload_days": revision["workload_days"]}
                   if "workload_days" in revision else {})}
    return {**out, "item_kind": "new", "item_name": item.get("name"),
            "category": item.get("category"), "phases": item.get("phases") or [],
            "powers": item.get("powers") or [], "legal_basis": item.get("legal_basis"),
            "public_facing": bool(item.get("public_facing")),
            "high_volume": bool(item.get("high_volume")),
            "workload_days": item.get("workload_days", 0), "domain": item.get("domain") or ""}
