"""Where a job runs: the one place a job's arguments become a store and a county."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from engine.errors import ConflictError, StoreError
from engine.store.config import StoreTarget, store_target
from engine.store.session import Store


class JobArgs(BaseModel):
    """What a queued job carries: its number in the store's jobs and the county it acts for
    (the code, or the name of a county without one). Never a password, token or key."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    job: int
    county: str


def county_of(store: Store) -> str:
    """How a job names the county of ``store``."""
    return store.meta.get("county_code") or store.county or ""


def worker_target() -> StoreTarget:
    """The store a worker serves: the PostgreSQL database of its own environment
    (``DUTY_DATABASE_URL``, with its key file ``DUTY_AUDIT_KEY``)."""
    if not os.environ.get("DUTY_DATABASE_URL"):
        raise StoreError("后台任务进程没有指定数据库：须在其环境变量 DUTY_DATABASE_URL 中给出 "
                         "PostgreSQL 数据库，并用 DUTY_AUDIT_KEY 给出审计密钥文件",
                         store="（未指定）", reason="no-store",
                         hint="SQLite 数据库没有任务队列：其任务在提交时当场执行，无需后台进程。")
    return store_target()


def locate(args: JobArgs) -> tuple[StoreTarget, Path | None]:
    """The store and the county directory a job runs on: both from the worker's environment
    (``DUTY_DATABASE_URL``, ``DUTY_COUNTY``); the job names only its county."""
    county = os.environ.get("DUTY_COUNTY")
    return worker_target(), Path(county) if county else None


def check_county(store: Store, args: JobArgs) -> None:
    """Refuse a job for another county than the one this store and worker serve."""
    if county_of(store) != args.county:
        raise ConflictError(f"任务 {args.job} 属于县区 {args.county}，本后台任务进程服务的是 "
                            f"{county_of(store)}", subject="county", stored=county_of(store),
                            given=args.county)


def job_files(target: StoreTarget) -> Path:
    """Where jobs leave files for download: ``DUTY_JOB_FILES``, else beside the store (the
    SQLite file's name with ``.jobs``; for PostgreSQL, ``jobs`` beside the audit key)."""
    value = os.environ.get("DUTY_JOB_FILES")
    if value:
        return Path(value)
    if target.engine == "sqlite":
        return Path(f"{target.sqlite_path}.jobs")
    return target.key_file.parent / "jobs"
