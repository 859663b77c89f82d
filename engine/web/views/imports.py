"""The office imports the county's catalogue on the web: upload, report, corrections, confirm.

``/import/`` takes one or several workbooks (.xlsx or .csv; the per-street workbooks of one
county together) and runs the importer of ``duty import catalogue`` on them, matched to the
county the web serves. The workbooks are kept, between the pages, in a session record of their
own in the store, named by a random key in the account's session (never on a web host's disk,
never under a name the browser chose). ``/import/review/`` shows the importer's report item by
item; each correction (category, phases, field of work, or a proposed field of work mapped to
the pack's) is kept in the session as the ``items`` and ``values`` of a mapping file (the same
file ``--map`` reads, downloadable from the page) and the import is run again with it.
``/import/confirm/`` runs it once more, checks that it is what the page showed, and puts it in
place of the county's catalogue through the engine, which records it in the audit chain. Every
step is the office's: other roles get "not found", and the engine refuses them too.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import yaml
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.db import SessionStore
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from engine.api import import_apply, import_preview
from engine.errors import DataErrors, DutyError
from engine.importing.columns import ItemFix, MapFile
from engine.importing.county import ImportPreview
from engine.vocab import PHASES, label
from engine.web.access import acting, need_kind
from engine.web.runtime import clock, engine, reload
from engine.web.views.errors import status_of, words
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor

SESSION = "duty_import"
SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_FILES = 100  # Django refuses more files in one request (DATA_UPLOAD_MAX_NUMBER_FILES)
KEEP_SECONDS = 24 * 3600  # uploads not confirmed are removed after a day
PER_PAGE = 100
CATEGORIES = ("comprehensive", "specialist", "assisting")
FIELD_WORDS = {"id": "编号", "category": "事项类别", "phases": "环节", "domain": "履职领域",
               "streets": "适用街道", "recalled": "收回"}
_CACHE: dict[tuple[str, str, str], ImportPreview] = {}  # the last preview of this process


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class WorkbooksField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files:
            raise forms.ValidationError("请选择要导入的工作簿（.xlsx 或 .csv）")
        return [super(WorkbooksField, self).clean(f, initial) for f in files]


class UploadForm(forms.Form):
    files = WorkbooksField(
        label="工作簿", widget=MultipleFiles(attrs={"accept": ",".join(SUFFIXES)}),
        help_text="一个或几个 .xlsx / .csv 文件：三张清单、部门的权责清单或政务服务事项目录，"
                  "或一个县区各街道的工作簿（一起选中）。")

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        limit = int(settings.MAX_IMPORT_BYTES)
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传 {MAX_FILES} 个工作簿")
        names = [Path(f.name or "").name for f in files]
        for name in names:
            if not name.lower().endswith(SUFFIXES):
                raise forms.ValidationError(f"“{name}” 不是 .xlsx 或 .csv 文件；在 Excel 中另存为"
                                            " .xlsx（Excel 工作簿）或 .csv（UTF-8）后上传")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise forms.ValidationError(f"文件名重复：{'、'.join(twice)}")
        total = sum(f.size for f in files)
        if total > limit:
            raise forms.ValidationError(f"文件过大（共 {total / 1048576:.1f} MB），一次上传的工作簿"
                                        f"合计不能超过 {limit // 1048576} MB")
        return files


class FixForm(forms.Form):
    item = forms.CharField(max_length=200)
    category = forms.ChoiceField(label="事项类别", choices=[(c, label(c)) for c in CATEGORIES],
                                 required=False)
    phases = forms.MultipleChoiceField(label="环节（主要环节在前）",
                                       choices=[(p, label(p)) for p in PHASES], required=False,
                                       widget=forms.CheckboxSelectMultiple)
    main = forms.ChoiceField(label="主要环节", required=False,
                             choices=[("", "—"), *((p, label(p)) for p in PHASES)])
    domain = forms.CharField(label="履职领域", max_length=50, required=False)


class DomainForm(forms.Form):
    word = forms.CharField(max_length=50)
    meant = forms.CharField(max_length=50, required=False)


# -- the uploads, kept between the pages -------------------------------------------------------
# in a session record of their own (Django's database sessions: JSON, signed with the signing
# key, ending after KEEP_SECONDS), named in the account's session: every web process on every
# host reads them, none keeps them on its disk, and the account's own session stays small

def _keep(request: HttpRequest, uploads: list[tuple[str, bytes]]) -> None:
    _drop(request)
    kept = SessionStore()
    kept["workbooks"] = [[name, base64.b64encode(raw).decode("ascii")] for name, raw in uploads]
    kept.set_expiry(KEEP_SECONDS)
    kept.create()
    files = [[name, hashlib.sha256(raw).hexdigest(), len(raw)] for name, raw in uploads]
    request.session[SESSION] = {"token": kept.session_key, "files": files, "items": {},
                                "domains": {}, "account": request.user.get_username()}


def _state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(SESSION)
    if not state or state.get("account") != request.user.get_username():
        return None
    return state  # type: ignore[no-any-return]


def _uploads(state: dict[str, Any]) -> list[tuple[str, bytes]] | None:
    """The workbooks as received (None when they are gone or not what was received)."""
    kept = SessionStore(session_key=state["token"]).get("workbooks")
    if not isinstance(kept, list) or len(kept) != len(state["files"]):
        return None
    out = []
    for (name, digest, _size), (_, text) in zip(state["files"], kept, strict=True):
        raw = base64.b64decode(text)
        if hashlib.sha256(raw).hexdigest() != digest:
            return None
        out.append((name, raw))
    return out


def _drop(request: HttpRequest) -> None:
    state = request.session.pop(SESSION, None)
    if state and isinstance(state.get("token"), str):
        SessionStore(session_key=state["token"]).delete()


def _mapping(state: dict[str, Any]) -> MapFile | None:
    if not state["items"] and not state["domains"]:
        return None
    return MapFile(schema_version=1,
                   values={"domain": dict(state["domains"])} if state["domains"] else {},
                   items={k: ItemFix(**v) for k, v in state["items"].items()})


def _preview(service: Any, actor: Actor, state: dict[str, Any],
             uploads: list[tuple[str, bytes]]) -> ImportPreview:
    mapping = _mapping(state)
    key = (state["token"], mapping.model_dump_json() if mapping else "", service.revision)
    if key not in _CACHE:
        result = import_preview(service, actor, uploads, mapping)
        _CACHE.clear()
        _CACHE[key] = result
    return _CACHE[key]


def _upload_words(exc: DutyError) -> list[str]:
    """An error about the workbooks, each with the file (and sheet, row) it concerns."""
    errors = exc.errors if isinstance(exc, DataErrors) else [exc]
    out = []
    for e in errors[:20]:
        where = e.location.render() if e.location else ""
        out.append((f"{where}：" if where else "") + words(e))
    return out


# -- the pages ---------------------------------------------------------------------------------

@acting
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """GET: the upload form; POST: the workbooks are read and, when the importer finds items
    in them, kept for the report page."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    need_kind(actor, RoleKind.office)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "pending": _state(request) is not None,
                               "limit_mb": int(settings.MAX_IMPORT_BYTES) // 1048576}
    if request.method == "GET":
        return render(request, "web/import.html", context)
    if not form.is_valid():
        return render(request, "web/import.html", context, status=400)
    uploads = [(Path(f.name).name, f.read()) for f in form.cleaned_data["files"]]
    try:
        with engine() as service:
            preview = import_preview(service, actor, uploads, None)
            revision = service.revision
    except DutyError as exc:
        context["upload_errors"] = _upload_words(exc)
        context["map_stub"] = getattr(exc, "map_stub", None)
        return render(request, "web/import.html", context, status=status_of(exc))
    _keep(request, uploads)
    _CACHE.clear()  # the report page shows this preview without reading the workbooks again
    _CACHE[(request.session[SESSION]["token"], "", revision)] = preview
    return redirect("import_review")


@acting
@require_http_methods(["GET", "POST"])
def import_review(request: HttpRequest) -> HttpResponse:
    """GET: the report of the kept workbooks with the corrections made so far (``format=yaml``:
    those corrections as a mapping file); POST: one correction more (or one taken back)."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    need_kind(actor, RoleKind.office)
    state = _state(request)
    uploads = _uploads(state) if state else None
    if state is None or uploads is None:
        if request.method == "POST":
            raise Http404
        messages.info(request, "没有待核对的导入：请先上传工作簿。")
        return redirect("import")
    if request.method == "GET" and request.GET.get("format") == "yaml":
        mapping = _mapping(state) or MapFile(schema_version=1)
        text = "# 导入时的更正：duty import catalogue --map 本文件，在命令行得到同样的结果。\n" \
            + yaml.safe_dump(mapping.model_dump(mode="json", exclude_defaults=True),
                             allow_unicode=True, sort_keys=False)
        response = HttpResponse(text, content_type="text/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="import-map.yaml"'
        return response
    status = 200
    error = None
    with engine() as service:
        preview = _preview(service, actor, state, uploads)
        if request.method == "POST":
            error = _correct(request, state, preview)
            if error is None:
                request.session.modified = True
                return redirect(f"{request.path}?page={request.POST.get('page', '1')}"
                                + (f"#row-{request.POST['item']}" if request.POST.get("item")
                                   else ""))
            # htmx swaps only what succeeds: the page with its message comes back as 200 there
            status = 200 if getattr(request, "htmx", False) else 400
    return _review(request, preview, state, status, error)


def _correct(request: HttpRequest, state: dict[str, Any], preview: ImportPreview) -> str | None:
    """Keep one correction in the session; the reason when it cannot be kept."""
    ids = {r.id for r in preview.rows}
    if "undo" in request.POST:
        state["items"].pop(request.POST["undo"], None)
        return None
    if "word" in request.POST:
        domain = DomainForm(request.POST)
        if not domain.is_valid():
            return "履职领域不能超过 50 个字"
        word, meant = domain.cleaned_data["word"], domain.cleaned_data["meant"]
        if word not in preview.report.proposed_domains and word not in state["domains"]:
            return f"“{word}” 不是本次导入提出的履职领域"
        if meant and meant not in preview.domains:
            return f"“{meant}” 不是规则包中的履职领域"
        if meant:
            state["domains"][word] = meant
        else:
            state["domains"].pop(word, None)
        return None
    form = FixForm(request.POST)
    if not form.is_valid():
        return "；".join(f"{form.fields[f].label}：{'；'.join(e)}"
                        for f, e in form.errors.items() if f in form.fields)
    data = form.cleaned_data
    if data["item"] not in ids:
        return f"本次导入没有编号为 “{data['item']}” 的事项"
    row = next(r for r in preview.rows if r.id == data["item"])
    fix: dict[str, Any] = dict(state["items"].get(row.id, {}))
    for name in ("category", "domain"):
        if data[name] and data[name] != getattr(row, name):
            fix[name] = data[name]
    order = list(data["phases"])
    main = data["main"] or (row.phases[0] if row.phases[0] in order else "")
    if main:
        order = [main, *(p for p in order if p != main)]
    if order and order != row.phases:
        fix["phases"] = list(dict.fromkeys(order))
    if fix:
        state["items"][row.id] = fix
    return None


def _review(request: HttpRequest, preview: ImportPreview, state: dict[str, Any], status: int,
            error: str | None) -> HttpResponse:
    pages = Paginator(preview.rows, PER_PAGE)
    page = pages.get_page(request.GET.get("page") or request.POST.get("page") or 1)
    report = preview.report
    return render(request, "web/import_review.html", {
        "preview": preview, "report": report, "page": page,
        "page_rows": [(r, [(FIELD_WORDS.get(f, f), w) for f, w in r.why.items()]) for r in page],
        "files": [(name, size) for name, _digest, size in state["files"]],
        "sheet_problems": [s for s in report.skipped if s.row is None],
        "row_problems": report.rows_skipped(),
        "county_notes": [i for i in report.inferred if i.item is None],
        "categories": [(c, label(c)) for c in CATEGORIES],
        "phases": [(p, label(p)) for p in PHASES],
        "mapped": state["domains"], "corrections": len(state["items"]),
        "error": error}, status=status)


@acting
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """The import as the page showed it put in place of the county's catalogue (the engine
    records it in the audit chain); refused, with nothing changed, when it is not."""
    actor: Actor = request.actor  # type: ignore[attr-defined]
    need_kind(actor, RoleKind.office)
    state = _state(request)
    uploads = _uploads(state) if state else None
    if state is None or uploads is None:
        raise Http404
    if "cancel" in request.POST:
        _drop(request)
        messages.info(request, "已放弃本次导入，县区数据没有变化。")
        return redirect("import")
    detail = {"files": [{"name": n, "sha256": d, "bytes": s} for n, d, s in state["files"]]}
    try:
        with engine() as service:
            seq = import_apply(service, actor, clock(), uploads, _mapping(state),
                               request.POST.get("fingerprint", ""),
                               request.POST.get("revision", ""), detail)
            reload()
    except DutyError as exc:
        with engine() as service:
            preview = _preview(service, actor, state, uploads)
        return _review(request, preview, state, status_of(exc), words(exc))
    _drop(request)
    _CACHE.clear()
    messages.success(request, f"已导入县区事项目录（审计记录第 {seq} 条）。已公布的清单版本不变；"
                              "此后的审核、评估和下一次公布按新的目录进行。")
    return redirect("lists")
