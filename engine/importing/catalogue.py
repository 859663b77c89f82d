"""A workbook of lists → a county directory, with a report of everything inferred.

Sheets are found by their header row (one with an item-name column); a sheet's list comes from
its name (基本 / 配合 / 收回), the mapping file, or a list column. Rows of one item (one per
street) merge into one catalogue item; departments and streets are matched by name to a county
file or created with ids derived from their names. What the layout leaves implicit (category,
phases, a created department's powers) is inferred and reported. The county is loaded and
checked before anything is written.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml

from engine.errors import DataError, DataErrors, LimitError, Location
from engine.fileio import RAISE_LIMITS_HINT, read_regular
from engine.importing.columns import ColumnField, MapFile, list_named, match_header, normal
from engine.importing.infer import (
    CATEGORY_NAMES,
    infer_category,
    infer_phases,
    is_power_type,
)
from engine.importing.reader import MAX_ROWS, Sheet, read_workbook, workbook_sheets
from engine.importing.report import (
    CheckOutcome,
    Cleaned,
    Created,
    ImportReport,
    Inferred,
    Skipped,
)
from engine.lists.problem import ListProblem
from engine.loading.limits import county_limits
from engine.loading.policy import resolve_pack
from engine.loading.yamlio import display_path, read_yaml, validate
from engine.models.base import Strict
from engine.models.county import Department, DutyItem, Street
from engine.models.county_files import CountyFile
from engine.paths import bundled_policies
from engine.render.lists_table import NOT_APPLYING_LIST
from engine.rules.parameters import Parameters
from engine.vocab import label

HEADER_SCAN = 20  # rows searched for the header row of a sheet
_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_AMOUNT = re.compile(r"([0-9][0-9,，]*)\s*元")
_PAYER = re.compile(r"^(.+?)每年拨付")
Progress = Callable[[int, int], None]
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_BOOKS = 500  # workbooks in a folder (a county's streets)
MAX_FUNDING = 1_000_000_000  # yuan per street per year: an amount above is a typing error
ITEM_FILES = {"basic": "basic", "cooperative": "cooperative", "recalled": "recalled",
              "kept": "catalogue"}
DOMAIN_PACK = "policy/import-domains.yaml"
MAP_STUB = "import-map.yaml"
CORRECTED = "按导入时的更正"
# a street named in a sheet name or a title row: “解放路街道基本履职事项清单”, “东门镇”
_STREET = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:街道|镇|乡))(?:办事处|人民政府)?"
                     r"(?=履行|履职|基本|配合|收回|事项|清单|$)")


class ImportFailed(DataErrors):
    """Nothing to import: one error, and the mapping file to fill in (None when no header
    was recognised at all)."""

    def __init__(self, error: DataError, map_stub: str | None) -> None:
        super().__init__([error])
        self.map_stub = map_stub


def street_named(texts: list[str]) -> str | None:
    """The one street a sheet name or title row names, or None (none, or several)."""
    found: set[str] = set()
    for text in texts:
        text = re.sub(r"乡镇[（(]街道[)）]|镇街|乡镇", "", re.sub(r"\s+", "", text))
        found.update(m.group(1) for m in _STREET.finditer(text))
    return found.pop() if len(found) == 1 else None


def stable_id(prefix: str, name: str) -> str:
    """An identifier derived from a name alone: the same name always gives the same id."""
    return f"{prefix}-{hashlib.blake2b(name.encode('utf-8'), digest_size=4).hexdigest()}"


@dataclass
class Row:
    """One data row: where it is, its list and its cells by field."""

    sheet: str
    number: int
    kind: str
    cells: dict[str, str]
    columns: dict[str, str]  # field → the header it came from

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass
class Gathered:
    """The rows of one item, across streets."""

    first: Row
    streets: dict[str, str] = field(default_factory=dict)  # street key → list kind
    texts: list[Row] = field(default_factory=list)


class Imported(Strict):
    """The files of the county directory and the report."""

    files: dict[str, str]
    report: ImportReport


def load_map(path: Path | None) -> MapFile | None:
    return None if path is None else validate(MapFile, read_yaml(Path(path)))


Upload = tuple[str, bytes]  # a workbook received whole: its file name and its bytes
MAX_UPLOADS = 100  # workbooks received at once (Django's own limit on files per request)


def import_catalogue(path: Path, sheet: str | None = None, map_path: Path | None = None,
                     county_file: Path | None = None,
                     progress: Progress | None = None) -> Imported:
    """Read a workbook of lists, a catalogue, or a folder of one workbook per street, and
    build the county directory's files (nothing written).

    A MemoryError or OverflowError on the way (a workbook past what the limits foresee) is
    E-LIMIT: nothing is built."""
    def run() -> Imported:
        mapping = load_map(map_path)
        shown, books = _read_books(Path(path), sheet)
        return _import(shown, books, mapping, county_file, progress, Path(path).stem)

    return _bounded(run, display_path(Path(path)))


def import_uploads(uploads: Sequence[Upload], mapping: MapFile | None,
                   county_file: Path | None, shown: str = "上传的工作簿") -> Imported:
    """The same import from workbooks received whole (a web upload): one workbook, or several
    (one per street of a county, as a folder is read); each named by its file name alone.
    ``mapping`` carries what ``--map`` would, with the items a person corrected."""
    def run() -> Imported:
        if not uploads:
            raise DataError("没有收到工作簿", location=Location(shown), code="E-IMPORT",
                            hint="选择一个或几个 .xlsx 或 .csv 文件上传。")
        if len(uploads) > MAX_UPLOADS:
            raise LimitError(f"一次上传的工作簿超过 {MAX_UPLOADS} 个的上限", limit="max_books",
                             maximum=MAX_UPLOADS, location=Location(shown),
                             hint="分几次导入，或把各街道的工作簿合并。")
        books, rows = [], 0
        for name, raw in sorted(uploads):
            sheets = workbook_sheets(raw, name, name)
            rows += sum(len(s.rows) for s in sheets)
            if rows > MAX_ROWS:
                raise LimitError(f"上传的工作簿合计超过 {MAX_ROWS:,} 行的上限",
                                 limit="max_rows", maximum=MAX_ROWS, location=Location(shown),
                                 hint="分几次导入，或删去多余的行。")
            books.append((name, sheets))
        source = books[0][0] if len(books) == 1 else shown
        return _import(source, books, mapping, county_file, None, Path(books[0][0]).stem)

    return _bounded(run, shown)


def _bounded(run: Callable[[], Imported], shown: str) -> Imported:
    try:
        return run()
    except (MemoryError, OverflowError) as exc:
        raise LimitError(f"导入时超出可用的内存或数值范围（{type(exc).__name__}）",
                         limit="memory", maximum=0, location=Location(shown),
                         hint="把工作簿拆成较小的文件分别导入，或删去多余的行、列和合并单元格。"
                         ) from None


def _import(shown: str, books: list[tuple[str, list[Sheet]]], mapping: MapFile | None,
            county_file: Path | None, progress: Progress | None, stem: str) -> Imported:
    from engine.loading.policy import load_policy

    directory = Path(county_file).parent if county_file else None
    base = _base_county(county_file)
    policy = list(base.policy) if base else ["baseline"]
    params = load_policy(policy, directory).parameters
    builder = _CatalogueBuilder(base, mapping, params)
    total = sum(len(s.rows) for _, sheets in books for s in sheets)
    done = 0
    for book, sheets in books:
        builder.book = book if len(books) > 1 else ""
        builder.source = book
        tables = [(s, builder.header(s)) for s in sheets]
        for s, found in tables:  # the departments' own sheets first: they name owners
            if found is not None and _department_sheet(s, found[0]):
                builder.owners(s, *found)
        for s, found in tables:
            if found is None or not _department_sheet(s, found[0]):
                builder.read_sheet(s, found)
            done += len(s.rows)
            if progress is not None:
                progress(done, total)
    stub = builder.map_stub()
    if not builder.gathered:
        raise ImportFailed(builder.failure(shown, stub is not None), stub)
    county = builder.county(base, policy, stem)
    files = {"county.yaml": _yaml(county["file"])}
    for kind in ("basic", "cooperative", "recalled", "kept"):
        if county["items"][kind]:
            files[f"items/{ITEM_FILES[kind]}.yaml"] = _yaml({"items": county["items"][kind]})
    if directory is not None:
        files.update(_county_packs(base, directory))
    if county["pack"] is not None:
        files[DOMAIN_PACK] = _yaml(county["pack"])
    if stub is not None:
        files[MAP_STUB] = stub
    outcome = _check(files)
    report = ImportReport(
        source=shown, county=county["file"]["name"],
        items=sum(len(v) for v in county["items"].values()),
        lists={k: len(v) for k, v in county["items"].items() if v or k != "kept"},
        created=builder.created, inferred=builder.inferred, skipped=builder.skipped,
        ignored_columns=sorted(builder.ignored), cleaned=builder.cleaned_cells(),
        proposed_domains=sorted(builder.new_domains), check=outcome)
    return Imported(files=files, report=report)


def _read_books(path: Path, sheet: str | None) -> tuple[str, list[tuple[str, list[Sheet]]]]:
    """The shown path and the sheets of each workbook: one file, or every .xlsx and .csv of a
    folder (a county's streets, one workbook each), in name order."""
    if not path.is_dir():
        shown, sheets = read_workbook(path, sheet)
        return shown, [(shown, sheets)]
    shown = display_path(path)
    names = sorted(p for p in path.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES
                   and not p.name.startswith(("~$", ".")))
    if not names:
        raise DataError("文件夹中没有 .xlsx 或 .csv 工作簿", location=Location(shown),
                        code="E-IMPORT", hint="每个街道一个工作簿，放在同一文件夹中。")
    if len(names) > MAX_BOOKS:
        raise LimitError(f"文件夹中的工作簿超过 {MAX_BOOKS} 个的上限", limit="max_books",
                         maximum=MAX_BOOKS, location=Location(shown), hint=RAISE_LIMITS_HINT)
    books, rows = [], 0
    for p in names:
        book, sheets = read_workbook(p, sheet)
        rows += sum(len(s.rows) for s in sheets)
        if rows > MAX_ROWS:
            raise LimitError(f"文件夹中的工作簿合计超过 {MAX_ROWS:,} 行的上限",
                             limit="max_rows", maximum=MAX_ROWS, location=Location(shown),
                             hint=RAISE_LIMITS_HINT)
        books.append((book, sheets))
    return shown, books


def _base_county(county_file: Path | None) -> CountyFile | None:
    """The county file departments and streets are matched to, read within its limits."""
    if county_file is None:
        return None
    path = Path(county_file)
    return validate(CountyFile, read_yaml(path, county_limits(path.parent)))


def _county_packs(base: CountyFile | None, directory: Path) -> dict[str, str]:
    """The county's own policy packs (paths in ``policy``), copied beside the new county."""
    out: dict[str, str] = {}
    for name in base.policy if base else []:
        path = resolve_pack(name, directory)
        if path.parent == bundled_policies() or Path(name).is_absolute():
            continue
        out[Path(name).as_posix()] = read_regular(path, name, 4 * 1024 * 1024).decode("utf-8")
    return out


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def _check(files: dict[str, str]) -> CheckOutcome:
    """Load the county as it would be written and run `duty check` on it."""
    from engine.lists.check import check_county
    from engine.loading.workspace import load_workspace

    with tempfile.TemporaryDirectory(prefix="duty-import-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        try:
            ws = load_workspace(root)
        except DataError as exc:  # the report says why the county does not load
            errors = exc.errors if isinstance(exc, DataErrors) else [exc]
            return CheckOutcome(loads=False, clean=False, problems=[
                ListProblem(code=e.code, street=None, item=None, message=e.render(), basis="")
                for e in errors])
        problems = check_county(ws)
    return CheckOutcome(loads=True, clean=not problems, problems=problems)


def _department_sheet(sheet: Sheet, at: int) -> bool:
    """A department's own list (the items it owns, with the number of streets), not a list
    of a street."""
    return "涉及街道数" in {normal(h) for h in sheet.rows[at][1]}


class _CatalogueBuilder:
    """The county's catalogue gathered from the workbooks' sheets, row by row, with what was
    inferred, skipped, created and cleaned on the way."""

    def __init__(self, base: CountyFile | None, mapping: MapFile | None,
                 params: Parameters) -> None:
        self.mapping = mapping
        self.phase_powers = params.phase_powers
        self.domains = params.domains
        self.gathered: dict[tuple[str, ...], Gathered] = {}
        self.inferred: list[Inferred] = []
        self.skipped: list[Skipped] = []
        self.created: list[Created] = []
        self.ignored: set[str] = set()
        self.owner: dict[str, str] = {}  # item id → department name (department sheets)
        self.street_names: dict[str, str] = {}  # street key → name, as first seen
        self.base_streets = {s.name: s for s in base.streets} if base else {}
        self.base_street_ids = {s.id: s for s in base.streets} if base else {}
        self.base_departments = {normal(d.name): d for d in base.departments} if base else {}
        self.units = {normal(u.name): u for u in base.units} if base else {}
        self.book = ""  # the workbook being read, when a folder holds several
        self.source = ""  # the workbook being read (its shown path)
        self.unrecognised: dict[str, list[str]] = {}  # sheet → headers not recognised
        self.known_any = False  # some sheet had known headers but no name column
        self.cleaned: dict[tuple[str, str, str], int] = {}
        self.new_domains: set[str] = set()
        self.books: dict[tuple[str, ...], set[str]] = {}  # item key → workbooks it is in

    # -- reading ------------------------------------------------------------------------------

    def read_sheet(self, sheet: Sheet, found: tuple[int, dict[int, str]] | None) -> None:
        shown = self._sheet_name(sheet)
        if found is None:
            self.skipped.append(Skipped(sheet=shown, row=None, column=None,
                                        reason="没有“事项名称”列，不是事项清单，未使用"
                                        + self._unrecognised_note(shown)))
            return
        at, fields = found
        headers = dict(enumerate(sheet.rows[at][1]))
        kind = (self.mapping.sheets.get(sheet.name) if self.mapping else None) or \
            list_named(sheet.name)
        street = None if "street" in fields.values() or "street_id" in fields.values() else \
            street_named([sheet.name, *(c for _, cells in sheet.rows[:at] for c in cells)])
        if kind is None and street is None and "list" not in fields.values():
            kind = "kept"  # a catalogue: the department's own items, on no street's list
        before = len(self.skipped)
        imported = len(self.gathered)
        for number, cells in sheet.rows[at + 1:]:
            if not any(cells):
                continue
            values = {}
            for i, f in fields.items():
                if i < len(cells) and cells[i]:
                    value = self._clean(shown, headers[i], cells[i])
                    if value:
                        values[f] = value
            columns = {f: headers[i] for i, f in fields.items()}
            if values.get("name") and normal(values["name"]) == normal(columns["name"]):
                continue  # the header repeated (a table printed over pages)
            if street is not None:
                values.setdefault("street", street)
                columns.setdefault("street", sheet.name)
            self._row(shown, number, kind, values, columns)
        self._one_sheet_error(shown, before, imported)

    def _sheet_name(self, sheet: Sheet) -> str:
        return f"{Path(self.book).name}／{sheet.name}" if self.book else sheet.name

    def _clean(self, sheet: str, column: str, text: str) -> str:
        """A cell with HTML entities decoded and stray whitespace trimmed (counted)."""
        cleaned = re.sub(r"[ \t\u00a0\u3000]+", " ", html.unescape(text))
        cleaned = re.sub(r" *\n[ \n]*", "\n", cleaned).strip()
        if cleaned != text:
            key = (sheet, column,
                   "HTML 字符实体" if html.unescape(text) != text else "多余空白")
            self.cleaned[key] = self.cleaned.get(key, 0) + 1
        return cleaned

    def cleaned_cells(self) -> list[Cleaned]:
        return [Cleaned(sheet=s, column=c, what=w, cells=n)
                for (s, c, w), n in sorted(self.cleaned.items())]

    def _one_sheet_error(self, sheet: str, before: int, imported: int) -> None:
        """Rows of a sheet all refused for one reason: one error for the sheet, naming the
        headers it did not recognise, instead of one per row."""
        rows = self.skipped[before:]
        if len(rows) < 2 or len(self.gathered) != imported:
            return
        reasons = {(r.column, r.reason) for r in rows}
        if len(reasons) != 1:
            return
        column, reason = reasons.pop()
        del self.skipped[before:]
        self.skipped.append(Skipped(sheet=sheet, row=None, column=column,
                                    reason=f"全部 {len(rows)} 行：{reason}"
                                    + self._unrecognised_note(sheet)))

    def _unrecognised_note(self, sheet: str) -> str:
        headers = self.unrecognised.get(sheet)
        if not headers:
            return ""
        return f"；未识别的表头：{'、'.join(headers)}（可在映射文件中指定）"

    def header(self, sheet: Sheet) -> tuple[int, dict[int, str]] | None:
        """The header row's index and the field of each column it names."""
        shown = self._sheet_name(sheet)
        best: tuple[int, int, list[str]] | None = None  # (known, at, unrecognised)
        for at, (_, cells) in enumerate(sheet.rows[:HEADER_SCAN]):
            fields: dict[int, str] = {}
            unknown: list[str] = []
            known = 0
            for i, text in enumerate(cells):
                f = match_header(html.unescape(text), self.mapping) if text else None
                if f is not None:
                    known += 1
                if f is not None and f not in ("ignore", "unused") and \
                        f not in fields.values():
                    fields[i] = f
                elif text and f is None:
                    unknown.append(text)
            if "name" in fields.values():
                for i, text in enumerate(cells):
                    if text and i not in fields:
                        self.ignored.add(f"{shown}：{text}")
                if unknown:
                    self.unrecognised[shown] = unknown
                return at, fields
            if known and (best is None or known > best[0]):
                best = (known, at, unknown)
        if best is not None:
            self.known_any = True
            self.unrecognised[shown] = best[2]
        return None

    def map_stub(self) -> str | None:
        """A mapping file to fill in: every header no sheet's columns were recognised by."""
        headers = list(dict.fromkeys(h for hs in self.unrecognised.values() for h in hs))
        if not headers:
            return None
        lines = ["# 映射文件草稿：把每个表头对应到字段，用 --map 指定本文件重新导入。",
                 "# 字段：" + "、".join(f for f in get_args(ColumnField)),
                 "# ignore 表示不使用该列。", "schema_version: 1", "columns:"]
        lines += [f"  {json.dumps(h, ensure_ascii=False)}: ignore" for h in headers]
        lines += ["sheets: {}", "values: {}"]
        return "\n".join(lines) + "\n"

    def failure(self, shown: str, stub: bool) -> DataError:
        """The one error of an import that found nothing to import (``stub``: a mapping file
        to fill in goes with it)."""
        headers = list(dict.fromkeys(h for hs in self.unrecognised.values() for h in hs))
        if self.known_any or stub or self.skipped:
            reasons = "；".join(dict.fromkeys(f"{k.sheet}：{k.reason}" for k in self.skipped))
            return DataError(f"工作簿中没有可导入的事项（{reasons}）",
                             location=Location(shown), code="E-IMPORT",
                             hint=(f"未识别的表头：{'、'.join(headers)}。映射文件草稿 "
                                   f"{MAP_STUB} 列出了这些表头，把它们对应到字段后重新导入。"
                                   if stub else "按上述原因改正工作簿后重新导入。"))
        return DataError("工作簿中没有可导入的事项：找不到含“事项名称”（或职权名称、"
                         "服务事项等）列的表头行，不是事项清单",
                         location=Location(shown), code="E-IMPORT",
                         hint="每张清单须有表头行，至少包含“事项名称”列；工作表名称或“清单”列"
                              "说明是基本履职、配合履职还是上级部门收回事项清单，没有这些的表"
                              "按部门的事项目录导入。")

    def owners(self, sheet: Sheet, at: int, fields: dict[int, str]) -> None:
        """Item id → owning department from a department's own sheet (“区某局事项”)."""
        name = re.sub(r"事项$", "", sheet.name)
        where = next((i for i, f in fields.items() if f == "item"), None)
        for _, cells in sheet.rows[at + 1:]:
            if where is not None and where < len(cells) and cells[where]:
                self.owner[cells[where]] = name

    def _row(self, sheet: str, number: int, kind: str | None, values: dict[str, str],
             columns: dict[str, str]) -> None:
        def skip(column_field: str | None, reason: str) -> None:
            column = columns.get(column_field) if column_field else None
            self.skipped.append(Skipped(sheet=sheet, row=number, column=column, reason=reason))

        if self.mapping is not None:
            for f, given in list(values.items()):
                meant = self.mapping.values.get(f, {}).get(given)  # type: ignore[call-overload]
                if meant is not None:
                    values[f] = meant
        if not values.get("name"):
            skip("name", "事项名称为空")
            return
        if "category" in values and _category(values["category"]) is None and \
                is_power_type(values["category"]):
            values.setdefault("power_type", values.pop("category"))  # 类别 holding 行政许可 …
        if "list" in values:
            if values["list"] == NOT_APPLYING_LIST:  # an item a street does not have, as
                return  # the tool's own CSV lists them: nothing to import from such a row
            kind = list_named(values["list"])
            if kind is None:
                skip("list", f"清单 “{values['list']}” 无法识别（应含“基本”“配合”或“收回”）")
                return
        if kind is None:
            skip("list" if "list" in columns else None,
                 "无法确定所属清单：工作表名称应含“基本”“配合”或“收回”，或加“清单”列，"
                 "或在映射文件的 sheets 中写明")
            return
        if "category" in values and _category(values["category"]) is None:
            skip("category", f"事项类别 “{values['category']}” 无法识别（应为综合管理、"
                             "专业管理或协助管理）")
            return
        if "domain" in values and self.domains and values["domain"] not in self.domains.values:
            self.new_domains.add(values["domain"])  # the county's own word: proposed, kept
        amount = _amount(values["funding"]) if "funding" in values else 0
        if amount is None:
            skip("funding", f"经费 “{values['funding']}” 无法读取（应为金额，如 12000 或"
                            "“每年拨付12,000元”，无经费写 0）")
            return
        if amount > MAX_FUNDING:
            raise DataError(
                f"工作表 {sheet} 第 {number} 行：经费 “{values['funding'][:40]}” 超出范围",
                location=Location(self.source, number, columns.get("funding")),
                code="E-RANGE",
                hint=f"经费为每街道每年的元数，应在 0 至 {MAX_FUNDING:,} 之间；"
                     "请在工作簿中改正后重新导入。")
        if "item" in values and not _ID.match(values["item"].split("（")[0]):
            skip("item", f"事项编号 “{values['item']}” 只能由英文字母、数字和 _ . - 组成")
            return
        row = Row(sheet, number, kind, values, columns)
        if self._department(row) is None:
            skip("department", "没有主责部门（主责部门、对应上级部门或主责单位列均为空）")
            return
        street = self._street_key(row)
        key = self._key(row)
        entry = self.gathered.get(key)
        if entry is None:
            entry = self.gathered[key] = Gathered(row)
        elif street in entry.streets:
            first = entry.first
            skip("name", f"与工作表 {first.sheet} 第 {first.number} 行重复"
                         f"（同一事项在同一{'街道' if street else '清单'}出现两次）")
            return
        entry.streets[street] = kind
        entry.texts.append(row)
        self.books.setdefault(key, set()).add(self.book)

    def _key(self, row: Row) -> tuple[str, ...]:
        """What makes rows one item: its code, or its name and owning department."""
        if row.get("item"):
            return ("id", row.get("item").split("（")[0])
        return ("name", row.get("name"), self._department(row) or "")

    # -- resolving names ----------------------------------------------------------------------

    def _department(self, row: Row) -> str | None:
        """The name of the row's owning department."""
        if row.get("department"):
            return row.get("department")
        owner = self.owner.get(row.get("item").split("（")[0]) if row.get("item") else None
        if owner:
            return owner
        lead = row.get("lead")
        if lead and lead not in self.base_streets and lead != row.get("street"):
            unit = self.units.get(normal(lead))
            if unit is not None:
                return self._base_department_name(unit.department)
            return lead
        payer = _PAYER.match(row.get("funding"))
        return payer.group(1) if payer else None

    def _base_department_name(self, department_id: str) -> str:
        for d in self.base_departments.values():
            if d.id == department_id:
                return d.name
        return department_id

    def _street_key(self, row: Row) -> str:
        """The street a row belongs to ("" when the workbook names none)."""
        sid, name = row.get("street_id"), row.get("street")
        key = sid or name
        if key:
            self.street_names.setdefault(key, name or sid)
        return key

    # -- the county ---------------------------------------------------------------------------

    def county(self, base: CountyFile | None, policy: list[str], stem: str) -> dict[str, Any]:
        self.new_domains = set()  # the words the items finally use (after corrections)
        departments: dict[str, Department] = {}  # name → department
        for d in base.departments if base else []:
            departments[normal(d.name)] = d
        streets = self._streets(base)
        street_ids = [s.id for s in streets.values()]
        items: dict[str, list[dict[str, Any]]] = {"basic": [], "cooperative": [],
                                                  "recalled": [], "kept": []}
        needs: dict[str, set[str]] = {}
        used_ids: set[str] = set()
        for entry in self.gathered.values():
            item = self._item(entry, departments, streets, street_ids, used_ids, needs)
            kinds = set(entry.streets.values())
            kind = "recalled" if kinds == {"recalled"} else entry.first.kind
            items[kind].append(item)
        created_depts = [d for d in departments.values()
                         if not base or d not in base.departments]
        final_depts = []
        for d in departments.values():
            if d in created_depts:
                powers = sorted(needs.get(d.id, set()))
                d = Department(id=d.id, name=d.name, powers=powers)
                if powers:
                    self.inferred.append(Inferred(
                        sheet="", row=None, item=None, field=f"departments.{d.id}.powers",
                        value="、".join(powers),
                        why="新建部门：取其事项的环节所需的职权"))
            final_depts.append(d)
        file: dict[str, Any] = {"schema_version": 1,
                                "name": base.name if base else stem,
                                "policy": policy,
                                "departments": [_dump(d) for d in final_depts],
                                "streets": [_dump(s) for s in streets.values()],
                                "units": [_dump(u) for u in (base.units if base else [])]}
        if not file["units"]:
            del file["units"]
        pack = self._domain_pack()
        if pack is not None:
            file["policy"] = [*policy, DOMAIN_PACK]
        return {"file": file, "items": items, "pack": pack}

    def _domain_pack(self) -> dict[str, Any] | None:
        """A local pack adding the county's own fields of work (履职领域) to the vocabulary,
        so no row is lost for its word; each proposed word is listed in the report."""
        if not self.new_domains or self.domains is None:
            return None
        values = [*self.domains.values, *sorted(self.new_domains - set(self.domains.values))]
        for d in sorted(self.new_domains):
            self.inferred.append(Inferred(
                sheet="", row=None, item=None, field="policy.domains", value=d,
                why=f"履职领域“{d}”不在规则包的领域目录中：按县区用语导入，拟加入县区规则包 "
                    f"{DOMAIN_PACK}（不接受时，从 county.yaml 的 policy 中删去这一行，并用映射"
                    "文件的 values.domain 把它对应到规则包的领域）"))
        return {"schema_version": 1, "id": "import-domains", "version": 1,
                "title": "县区清单使用的履职领域（导入时提出）",
                "parameters": {"domains": {
                    "values": values,
                    "citation": {"document": "县区导入的清单",
                                 "clause": "清单中使用的履职领域名称"}}}}

    def _streets(self, base: CountyFile | None) -> dict[str, Street]:
        out: dict[str, Street] = {}
        for s in base.streets if base else []:
            out[s.id] = s
        if not self.street_names and not out and \
                any(e.first.kind != "kept" for e in self.gathered.values()):
            raise DataError("无法确定街道：工作簿没有“街道”列", code="E-IMPORT",
                            hint="在表中加入“街道”（或“乡镇（街道）”）列，或提供县区文件"
                                 "（county.yaml），事项即适用于其全部街道。")
        for key, name in self.street_names.items():
            known = self.base_street_ids.get(key) or self.base_streets.get(name)
            if known is not None:
                self.street_names[key] = known.id
                continue
            sid = key if _ID.match(key) and key != name else stable_id("S", name)
            kind = "township" if name.endswith("乡") else "town" if name.endswith("镇") \
                else "street"
            out[sid] = Street(id=sid, name=name, kind=kind, population=0, area_km2=0,
                              staffing={"administrative": 0, "institutional": 0, "actual": 0})
            self.street_names[key] = sid
            self.created.append(Created(kind="street", id=sid, name=name))
        return out

    def _department_id(self, name: str, departments: dict[str, Department]) -> str:
        known = departments.get(normal(name))
        if known is not None:
            return known.id
        unit = self.units.get(normal(name))
        if unit is not None:
            return unit.department
        dept = Department(id=stable_id("D", name), name=name)
        departments[normal(name)] = dept
        self.created.append(Created(kind="department", id=dept.id, name=name))
        return dept.id

    def _item(self, entry: Gathered, departments: dict[str, Department],
              streets: dict[str, Street], street_ids: list[str], used: set[str],
              needs: dict[str, set[str]]) -> dict[str, Any]:
        row = entry.first
        name = row.get("name")

        def note(field_name: str, value: str, why: str) -> None:
            self.inferred.append(Inferred(sheet=row.sheet, row=row.number, item=item_id,
                                          field=field_name, value=value, why=why))

        department = self._department_id(self._department(row) or "", departments)
        given = row.get("item").split("（")[0]
        item_id = given or stable_id("I", name)
        if item_id in used:
            item_id = stable_id("I", f"{self._department(row)}/{name}")
        used.add(item_id)
        if not given:
            note("id", item_id, "表中没有事项编号：由事项名称生成")
        kinds = set(entry.streets.values())
        kind = "recalled" if kinds == {"recalled"} else row.kind
        funding = _amount(row.get("funding")) or 0
        fix = self.mapping.items.get(item_id) if self.mapping is not None else None
        if row.get("category"):
            category = _category(row.get("category"))
            why = f"表中写明（{row.get('category')}）"
        else:
            category, why = infer_category(kind, row.get("street_duty"), funding > 0)
        if fix is not None and fix.category is not None and fix.category != category:
            why = f"{CORRECTED}（原为{label(category or '')}：{why}）"
            category = fix.category
            note("category", category, why)
        elif not row.get("category"):
            note("category", category, why)
        known_names = [*(d.name for d in departments.values()), *self.units,
                       *(s.name for s in streets.values())]
        texts: list[tuple[str, str]] = []
        sources = [("乡镇（街道）职责", "street_duty"), ("上级部门职责", "department_duty"),
                   ("事项名称", "name"), ("工作方式", "method")]
        if kind == "recalled":  # no longer the street's: what the department does tells
            sources = sources[1:]
        if kind == "kept":  # the name is read on its own, before the duty text
            sources = [("职责文字", "department_duty"), ("职责文字", "street_duty")]
        for what, f in sources:
            combined = "；".join(dict.fromkeys(r.get(f) for r in entry.texts if r.get(f)))
            for other in sorted(known_names, key=len, reverse=True):
                combined = combined.replace(other, "")
            if combined:
                texts.append((what, combined))
        phases, why = infer_phases(texts, kind, row.get("power_type"), name)
        if fix is not None and fix.phases is not None and fix.phases != phases:
            why = f"{CORRECTED}（原推断为{'、'.join(label(p) for p in phases)}：{why}）"
            phases = list(dict.fromkeys(fix.phases))
        note("phases", "、".join(phases), why)
        needs.setdefault(department, set()).update(
            self.phase_powers[p] for p in phases if p in self.phase_powers)
        keys = [self.street_names.get(k, k) for k in entry.streets if k]
        listed: str | list[str] = "all" if not keys or sorted(keys) == sorted(street_ids) \
            else [s for s in street_ids if s in set(keys)]
        if kind == "kept":
            listed = []  # kept by its department: on no street's list
        books = self.books.get(self._key(row), set())
        if len(books) > 1:
            note("streets", "、".join(streets[k].name for k in keys if k in streets),
                 f"同一事项出现在 {len(books)} 个街道的工作簿中（"
                 + ("事项编号相同" if row.get("item") else "事项名称和主责部门相同")
                 + "），合并为一个目录事项，适用于这些街道")
        if kinds != {"recalled"} and "recalled" in kinds:
            note("recalled", "false", "只在部分街道列为收回事项：按未收回导入，"
                                      "部分街道的收回须以收回申请办理")
        data: dict[str, Any] = {
            "id": item_id, "name": name, "department": department, "category": category,
            "phases": phases, "legal_basis": row.get("legal_basis"),
            "funding": funding, "streets": listed, "recalled": kinds == {"recalled"}}
        for f in ("domain", "department_duty", "street_duty", "method"):
            if row.get(f):
                data[f] = row.get(f)
        if fix is not None and fix.domain is not None and fix.domain != data.get("domain"):
            meant = self.mapping.values.get("domain", {}).get(fix.domain, fix.domain) \
                if self.mapping is not None else fix.domain  # a word mapped to the pack's
            note("domain", meant, f"{CORRECTED}（原为{data.get('domain') or '未填写'}）")
            data["domain"] = meant
        if data.get("domain") and self.domains and data["domain"] not in self.domains.values:
            self.new_domains.add(data["domain"])  # the county's own word: proposed, kept
        if row.get("takeover"):
            data["takeover"] = self._department_id(row.get("takeover"), departments)
        item = _dump(DutyItem.model_validate(data))
        first = ("id", "name", "department", "category", "domain", "phases")
        return {**{k: item[k] for k in first if k in item}, **item}


def _dump(model: Strict) -> dict[str, Any]:
    """A model as YAML data: its id first, fields left at their defaults out."""
    data = model.model_dump(mode="json", exclude_defaults=True)
    return {"id": data.pop("id"), **data}


def _category(text: str) -> str | None:
    text = normal(text)
    if text in CATEGORY_NAMES.values():
        return text
    return next((c for n, c in CATEGORY_NAMES.items() if n in text or text == n[:2]), None)


def _amount(text: str) -> int | None:
    """Yuan per street per year from a cell: a number, “无经费转移”, or “…每年拨付12,000元”.
    A number too long to be an amount (a cached 1e308) is returned as MAX_FUNDING + 1."""
    text = text.strip()
    if not text or text in ("—", "-", "无", "无经费转移", "0"):
        return 0
    plain = text.replace(",", "").replace("，", "")
    if re.fullmatch(r"\d+(\.0+)?", plain):
        digits = plain.split(".")[0].lstrip("0")
        return MAX_FUNDING + 1 if len(digits) > 12 else int(digits or "0")
    if re.fullmatch(r"\d+(\.\d+)?[eE][+]?\d+", plain):  # a float written in exponent form
        return MAX_FUNDING + 1
    found = _AMOUNT.search(text)
    if not found:
        return None
    digits = re.sub(r"[,，]", "", found.group(1))
    return MAX_FUNDING + 1 if len(digits) > 12 else int(digits)

