"""Where a store lives and how Django reaches it.

A store is a SQLite file (the default, ``--db``/``DUTY_DB``) or a PostgreSQL database named by
``DUTY_DATABASE_URL``. Beside the database live two files that must not be inside it: the
audit key (``DUTY_AUDIT_KEY``; default: the SQLite file's name with ``.key``) and the
checkpoint file of audit heads (``DUTY_CHECKPOINTS``; default: ``.checkpoints``).

One PostgreSQL database holds many counties: ``DUTY_STORE_COUNTY`` names one (its id), whose
store is the schema ``county_ID`` with the same tables as a store of its own (its accounts,
catalogue, versions and audit chain). Without it, the database's default schema is the store,
as it always was. Counties of one database share the audit key file and keep their own
checkpoint files.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import StoreError

SQLITE_TIMEOUT_S = 60  # a second writer waits this long for the first


@dataclass(frozen=True)
class StoreTarget:
    """One store: its database, its audit key file and its checkpoint file."""

    engine: str  # sqlite | postgresql
    name: str  # the SQLite path, or the database URL without password
    url: str | None
    key_file: Path
    checkpoints: Path
    anchors: Path | None = None  # the second copy of the heads, outside the store's directory
    county: str | None = None  # one county of a database holding many (its schema)

    @property
    def anchor_files(self) -> list[Path]:
        return [self.checkpoints, *([self.anchors] if self.anchors else [])]

    @property
    def shown(self) -> str:
        return f"{self.name}（县区 {self.county}）" if self.county else self.name

    @property
    def schema(self) -> str | None:
        return county_schema(self.county) if self.county else None

    @property
    def alias(self) -> str:
        where = f"{self.engine}:{self.url or self.name}" + (f"#{self.county}" if self.county
                                                            else "")
        return "store-" + hashlib.sha256(where.encode()).hexdigest()[:16]

    def for_county(self, county: str | None) -> StoreTarget:
        """The store of another county in the same database (its own checkpoint files;
        None: the database's default schema)."""
        return _postgres(self.url or "", county)

    @property
    def sqlite_path(self) -> Path:
        return Path(self.name)

    def database(self) -> dict[str, Any]:
        """Django's settings for this database."""
        if self.engine == "sqlite":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": self.name,
                    "OPTIONS": {"timeout": SQLITE_TIMEOUT_S, "transaction_mode": "IMMEDIATE",
                                "init_command": "PRAGMA journal_mode = WAL; "
                                                "PRAGMA synchronous = NORMAL; "
                                                "PRAGMA foreign_keys = ON"}}
        import dj_database_url

        config: dict[str, Any] = dict(dj_database_url.parse(self.url or ""))
        config["ENGINE"] = "django.db.backends.postgresql"
        if self.schema:  # a county of many: its schema first, nothing else
            config.setdefault("OPTIONS", {})["options"] = f"-c search_path={self.schema}"
        return config


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


# a county's id in a database of many: it names a schema, so letters, digits and _ only
COUNTY_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
SCHEMA_PREFIX = "county_"


def county_schema(county: str) -> str:
    return SCHEMA_PREFIX + county


def check_county_id(county: str) -> str:
    if not COUNTY_ID.fullmatch(county):
        raise StoreError(f"县区编号 “{county}” 不合规定", store=county, reason="county-id",
                         hint="县区编号以小写字母开头，只含小写字母、数字和下划线，至多 40 个"
                              "字符，例如 dongshan 或 c350626。")
    return county


def store_target(db: Path | None = None, url: str | None = None,
                 county: str | None = None) -> StoreTarget:
    """The store the caller names: ``url`` (or ``DUTY_DATABASE_URL``) for PostgreSQL, else the
    SQLite file ``db`` (default ``duty.db``); in a PostgreSQL database of many counties, the
    county ``county`` (or ``DUTY_STORE_COUNTY``)."""
    url = url or os.environ.get("DUTY_DATABASE_URL") or None
    county = county or os.environ.get("DUTY_STORE_COUNTY") or None
    if county and not url:
        raise StoreError("只有 PostgreSQL 数据库可存放多个县区", store=county,
                         reason="county-sqlite",
                         hint="SQLite 数据库只存放一个县区，不设 DUTY_STORE_COUNTY；多个县区共用"
                              "一个数据库时，用 DUTY_DATABASE_URL 指定 PostgreSQL 数据库。")
    if url:
        return _postgres(url, check_county_id(county) if county else None)
    path = Path(db if db is not None else os.environ.get("DUTY_DB") or "duty.db")
    key = _env_path("DUTY_AUDIT_KEY") or Path(f"{path}.key")
    checkpoints = _env_path("DUTY_CHECKPOINTS") or Path(f"{path}.checkpoints")
    return StoreTarget("sqlite", str(path), None, key, checkpoints,
                       _anchors(str(path.resolve())))


def _postgres(url: str, county: str | None) -> StoreTarget:
    if not url.startswith(("postgres://", "postgresql://")):
        raise StoreError("DUTY_DATABASE_URL 须为 PostgreSQL 地址", store=url.split("@")[-1],
                         reason="url",
                         hint="例如 postgresql://用户@127.0.0.1:5432/数据库名；"
                              "使用 SQLite 时不设此变量。")
    shown = url.split("@")[-1]  # never print a password
    key = _env_path("DUTY_AUDIT_KEY")
    if key is None:
        raise StoreError("使用 PostgreSQL 时须指定审计密钥文件", store=shown,
                         reason="no-key",
                         hint="设置环境变量 DUTY_AUDIT_KEY 为密钥文件的路径（该文件不得放在"
                              "数据库中；初始化时自动创建，权限 0600）。")
    checkpoints = _env_path("DUTY_CHECKPOINTS") or key.with_suffix(".checkpoints")
    identity = f"postgresql://{shown}"
    if county:  # each county's chain has its own heads
        checkpoints = checkpoints.with_name(f"{checkpoints.name}.{county}")
        identity += f"#{county}"
    return StoreTarget("postgresql", f"postgresql://{shown}", url, key, checkpoints,
                       _anchors(identity), county)


def _anchors(identity: str) -> Path | None:
    """The second copy of the checkpoints: ``DUTY_ANCHORS`` (a file; ``off``: none), else a
    file named after the store in the user's state directory ($XDG_STATE_HOME/duty/anchors,
    default ~/.local/state/duty/anchors), which whoever can write the store's directory
    cannot reach."""
    value = os.environ.get("DUTY_ANCHORS")
    if value:
        return None if value == "off" else Path(value)
    state = os.environ.get("XDG_STATE_HOME") or str(Path("~/.local/state").expanduser())
    name = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]
    return Path(state) / "duty" / "anchors" / f"{name}.anchors"


def ensure_django() -> None:
    """Configure Django for the command line, unless a settings module (the web
    application's) has done so already."""
    from django.conf import settings

    if settings.configured:
        return
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        import django

        django.setup()
        return
    settings.configure(**base_settings())
    import django

    django.setup()


STORE_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions",
              "django.contrib.admin", "axes", "engine.store", "engine.store.admission",
              "engine.store.publication", "engine.store.accounts", "engine.store.jobs",
              # the job queue's tables and functions (PostgreSQL only: engine.store.router)
              "engine.store.jobs.queue_tables.QueueTables"]

# Django's validators, the same for the command line and the web
PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def base_settings() -> dict[str, Any]:
    """The settings the store needs; the web application's settings extend these."""
    return {
        # every app with tables in a store, the web's among them: a store made or migrated
        # by the command line is ready for the web application, and both see the same schema
        "INSTALLED_APPS": STORE_APPS,
        "DATABASES": {},
        "DATABASE_ROUTERS": ["engine.store.router.StoreRouter"],
        "PASSWORD_HASHERS": ["engine.store.hashers.DutyArgon2PasswordHasher"],
        "AUTH_PASSWORD_VALIDATORS": PASSWORD_VALIDATORS,
        "USE_TZ": True,
        "TIME_ZONE": "Asia/Shanghai",
        "LANGUAGE_CODE": "zh-hans",
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        # the job queue's app brings its migrations; duty's tasks are registered by
        # engine.jobs, not looked for in every app
        "PROCRASTINATE_AUTODISCOVER_MODULE_NAME": None,
    }
