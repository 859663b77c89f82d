"""Importing into the county a store serves (the office's import page on the web).

The workbooks are read by the same importer as ``duty import catalogue``, matched to the
served county's ``county.yaml`` (as ``--county-file`` matches them: its name, code, policy,
departments, streets and units are kept, new ones are added), with the mapping and the
corrections a person made (``MapFile``: ``values`` and ``items``). ``preview`` builds the
county the import would make and says what it changes, stores nothing; ``apply`` builds it
again from the same workbooks and corrections, refuses it unless it is exactly what was
previewed, and puts it in place of the served county's catalogue, recorded in the audit chain
(``engine.workflow.county_change``).

The served county directory keeps every file the import does not make (the county's own
packs, ``admitted/``, synonyms …): ``county.yaml`` and ``items/`` are replaced, the proposed
fields of work pack is written when there is one, and a compiled snapshot is left out (it no
longer matches). The new directory is built beside the old one and swapped in by renames.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import Field

from engine.errors import ConflictError, UsageError
from engine.importing.catalogue import DOMAIN_PACK, MAP_STUB, Imported, Upload, import_uploads
from engine.importing.columns import MapFile
from engine.importing.report import ImportReport
from engine.lists.apply import with_admitted
from engine.loading.workspace import Workspace, load_workspace
from engine.models.decision import Out
from engine.paths import SNAPSHOT, sample_county
from engine.workflow.county_change import change_county, fits_store, may_change_county
from engine.workflow.roles import Actor, Clock
from engine.workflow.service import AdmissionService

REPLACED = ("county.yaml", "items", SNAPSHOT, DOMAIN_PACK)  # what the import makes anew


class ItemRow(Out):
    """One imported item as the report page shows it, with why each field has its value."""

    id: str
    name: str
    department: str  # the department's name
    category: str
    phases: list[str]
    domain: str
    kept: bool  # kept by its department (on no street's list)
    sheet: str
    row: int | None
    why: dict[str, str] = Field(default_factory=dict)  # field → the words that decided it
    corrected: list[str] = Field(default_factory=list)  # fields a person corrected


class ImportPreview(Out):
    """What importing the workbooks would make of the served county (nothing stored)."""

    report: ImportReport
    rows: list[ItemRow]
    added: list[str]  # item names new to the county
    removed: list[str]  # items of the county the workbooks no longer have
    changed: list[str]  # items whose fields change
    blocked: str | None  # why it cannot be confirmed (published adjustments no longer apply)
    fingerprint: str  # the county files the import makes: a confirmation must match it
    revision: str  # the served county's revision and its directory's digest, as previewed
    domains: list[str]  # the fields of work (履职领域) of the county's pack
    map_stub: str | None  # headers not recognised, as a mapping file to fill in


def served_directory(service: AdmissionService) -> Path:
    return Path(service.base.county.directory).resolve()


def _import(service: AdmissionService, uploads: Sequence[Upload],
            mapping: MapFile | None) -> Imported:
    return import_uploads(uploads, mapping, served_directory(service) / "county.yaml")


def county_files(imported: Imported) -> dict[str, str]:
    """The files that become the county's (the mapping stub is the person's, not the
    county's)."""
    return {k: v for k, v in imported.files.items() if k != MAP_STUB}


def fingerprint(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name].encode("utf-8") + b"\0")
    return digest.hexdigest()


def directory_digest(directory: Path) -> str:
    """The county directory's files as they are on disk (a snapshot and the tool's markers
    aside): an import confirms only onto the directory its preview was made on."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix()
        if rel == SNAPSHOT or path.name.startswith(".duty-"):
            continue
        digest.update(rel.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stage(directory: Path, files: dict[str, str], into: Path) -> Path:
    """The served county directory with the import's files in place of its catalogue, built
    at ``into`` (which must not exist)."""
    into.mkdir(mode=0o700)
    try:
        if directory.is_dir():
            for entry in directory.iterdir():
                if entry.name in REPLACED or entry.name.startswith(".duty-"):
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, into / entry.name, symlinks=True,
                                    ignore=_ignore_replaced(entry, directory))
                else:
                    shutil.copy2(entry, into / entry.name, follow_symlinks=False)
        for rel, text in files.items():
            target = into / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return into
    except BaseException:
        shutil.rmtree(into, ignore_errors=True)
        raise


def _ignore_replaced(entry: Path, directory: Path) -> Callable[[str, list[str]], list[str]]:
    def ignore(folder: str, names: list[str]) -> list[str]:
        rel = Path(folder).relative_to(directory)
        return [n for n in names if (rel / n).as_posix() in REPLACED]

    return ignore


def load_staged(directory: Path) -> Workspace:
    return with_admitted(load_workspace(directory), directory)


@contextmanager
def _staged_temp(directory: Path, files: dict[str, str]) -> Iterator[Workspace]:
    with tempfile.TemporaryDirectory(prefix="duty-import-") as tmp:
        yield load_staged(stage(directory, files, Path(tmp) / "county"))


def preview(service: AdmissionService, actor: Actor, uploads: Sequence[Upload],
            mapping: MapFile | None) -> ImportPreview:
    """The report of importing ``uploads`` into the served county, item by item, and what it
    would change; nothing is stored."""
    may_change_county(actor)
    imported = _import(service, uploads, mapping)
    files = county_files(imported)
    old = service.base
    with _staged_temp(served_directory(service), files) as new:
        blocked = None
        from engine.errors import DutyError
        from engine.store.session import transaction

        try:
            with transaction(service.store, write=False):
                fits_store(service, new)
        except DutyError as exc:
            blocked = exc.render()
        rows = _rows(new, imported.report, mapping)
        added = [i.name for k, i in new.county.items.items() if k not in old.county.items]
        removed = [i.name for k, i in old.county.items.items() if k not in new.county.items]
        changed = [i.name for k, i in new.county.items.items()
                   if k in old.county.items and old.county.items[k] != i]
        domains = list(new.policy.parameters.domains.values) \
            if new.policy.parameters.domains else []
    return ImportPreview(report=imported.report, rows=rows, added=added, removed=removed,
                         changed=changed, blocked=blocked, fingerprint=fingerprint(files),
                         revision=f"{service.revision}:"
                                  f"{directory_digest(served_directory(service))}",
                         domains=domains,
                         map_stub=imported.files.get(MAP_STUB))


def _rows(new: Workspace, report: ImportReport, mapping: MapFile | None) -> list[ItemRow]:
    why: dict[str, dict[str, str]] = {}
    where: dict[str, tuple[str, int | None]] = {}
    for i in report.inferred:
        if i.item is None:
            continue
        why.setdefault(i.item, {})[i.field] = i.why
        where.setdefault(i.item, (i.sheet, i.row))
    fixes = mapping.items if mapping is not None else {}
    rows = []
    for item in new.county.items.values():
        fix = fixes.get(item.id)
        corrected = [f for f in ("category", "phases", "domain")
                     if fix is not None and getattr(fix, f) is not None]
        sheet, row = where.get(item.id, ("", None))
        rows.append(ItemRow(
            id=item.id, name=item.name, department=new.names.get(item.department,
                                                                  item.department),
            category=item.category, phases=list(item.phases), domain=item.domain or "",
            kept=item.streets == [], sheet=sheet, row=row, why=why.get(item.id, {}),
            corrected=corrected))
    return rows


def apply(service: AdmissionService, actor: Actor, clock: Clock, uploads: Sequence[Upload],
          mapping: MapFile | None, seen: str, revision: str,
          detail: dict[str, object]) -> int:
    """Import ``uploads`` with ``mapping`` into the served county, as previewed (``seen``:
    the preview's fingerprint; ``revision``: the county revision and directory it was made
    on); the audit
    entry's number. Nothing changes when anything is refused."""
    may_change_county(actor)
    directory = served_directory(service)
    if directory == sample_county().resolve():
        raise UsageError("网页应用使用的是内置示例区，不能导入到示例区",
                         hint="启动网页应用时指定县区目录（DUTY_COUNTY），再导入。")
    imported = _import(service, uploads, mapping)
    files = county_files(imported)
    if fingerprint(files) != seen:
        raise ConflictError("导入结果与预览时不同（工作簿、更正或规则包已变更），本次导入未执行",
                            subject="import", stored=seen, given=fingerprint(files),
                            hint="重新查看导入报告，核对后再确认。")
    tag = uuid.uuid4().hex[:12]
    staged = stage(directory, files, directory.with_name(f".{directory.name}.import-{tag}"))
    backup = directory.with_name(f".{directory.name}.before-{tag}")
    try:
        new = load_staged(staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise

    expected, _, on_disk = revision.partition(":")

    def put() -> Callable[[], None]:  # under the store's write lock: one import at a time
        if directory_digest(directory) != on_disk:
            raise ConflictError("县区目录在预览之后已有变更，本次导入未执行", subject="county",
                                stored=None, given=None,
                                hint="重新上传工作簿，核对后再确认导入。")
        os.rename(directory, backup)
        os.rename(staged, directory)

        def undo() -> None:
            os.rename(directory, staged)
            os.rename(backup, directory)

        return undo

    report = imported.report
    try:
        seq = change_county(service, actor, clock, new, expected, {
            **detail, "items": report.items, "lists": report.lists,
            "created": len(report.created), "proposed_domains": report.proposed_domains,
            "corrections": len(mapping.items) if mapping is not None else 0,
            "fingerprint": seen}, put)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    shutil.rmtree(backup, ignore_errors=True)
    return seq
