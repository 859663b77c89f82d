"""One small error hierarchy with stable codes.

Messages are Chinese for users; the code (``E-…``) is for developers and scripts.
Every user error carries where it happened (file, line, field) when that is known,
and a suggestion when one fits. The CLI turns these into a message and an exit code;
nothing else in the engine prints.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class ErrorCode(str, Enum):
    """Every code an error may carry: one list, so a code is never misspelt. A member is the
    string itself (``ErrorCode.REF == "E-REF"``), prints as it and serialises as it."""

    DUTY = "E-DUTY"
    DATA = "E-DATA"
    YAML = "E-YAML"
    SCHEMA = "E-SCHEMA"
    REF = "E-REF"
    DUP = "E-DUP"
    RANGE = "E-RANGE"
    POWER = "E-POWER"
    POLICY = "E-POLICY"
    VOCAB = "E-VOCAB"
    IMPORT = "E-IMPORT"
    LIMIT = "E-LIMIT"
    FILETYPE = "E-FILETYPE"
    NOTFOUND = "E-NOTFOUND"
    OUTPUT = "E-OUTPUT"
    OUTDIR = "E-OUTDIR"
    USAGE = "E-USAGE"
    TOO_LARGE = "E-TOO-LARGE"
    ENGINE = "E-ENGINE"
    OS = "E-OS"
    DISKFULL = "E-DISKFULL"
    READONLY = "E-READONLY"
    PERMISSION = "E-PERMISSION"
    IO = "E-IO"
    REFUSED = "E-REFUSED"
    FORBIDDEN = "E-FORBIDDEN"
    AUTH = "E-AUTH"
    CONFLICT = "E-CONFLICT"
    STORE = "E-STORE"
    PASSWORD = "E-PASSWORD"
    PORT_BUSY = "E-PORT-BUSY"
    QUERY = "E-QUERY"
    NOLISTS = "E-NOLISTS"
    ATTACHMENT = "E-ATTACHMENT"
    NOTE = "E-NOTE"
    INTERNAL = "E-INTERNAL"

    __str__ = str.__str__
    __format__ = str.__format__


@dataclass(frozen=True)
class Location:
    """Where a problem sits in a user's file."""

    file: str | None = None
    line: int | None = None
    field: str | None = None

    def render(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.field:
            parts.append(f"字段 {self.field}")
        return " ".join(parts)


class DutyError(Exception):
    """Base of every error the engine reports to a user."""

    code = ErrorCode.DUTY
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        hint: str | None = None,
        code: ErrorCode | str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.hint = hint
        if code:
            self.code = ErrorCode(code)  # an unknown code is a programming error

    def render(self) -> str:
        where = self.location.render()
        head = f"错误 [{self.code}] {where}：{self.message}" if where else (
            f"错误 [{self.code}] {self.message}"
        )
        return head + (f"\n  提示：{self.hint}" if self.hint else "")



class DataError(DutyError):
    """Bad input data: malformed YAML, unknown keys, wrong values, unknown ids."""

    code = ErrorCode.DATA


class PolicyError(DataError):
    """A policy pack that cannot be loaded or compiled."""

    code = ErrorCode.POLICY


class PasswordError(DataError):
    """A password the password validators refuse (``reasons``: what each one said)."""

    code = ErrorCode.PASSWORD

    def __init__(self, message: str, *, reasons: list[str], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reasons = reasons


class UsageError(DutyError):
    """The command line itself is wrong (exit code 2)."""

    code = ErrorCode.USAGE
    exit_code = 2


class NoScenariosError(UsageError):
    """No scenario file to run: no ``scenarios/`` folder where none was named, or none whose
    key contains ``pattern``."""

    def __init__(self, message: str, *, pattern: str | None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.pattern = pattern


class PortBusyError(UsageError):
    """The address the web application is to listen on is taken by another program."""

    code = ErrorCode.PORT_BUSY

    def __init__(self, message: str, *, host: str, port: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.host, self.port = host, port


class NoRoleError(UsageError):
    """A command that acts was given no role to act in."""


class ChoiceError(UsageError):
    """A value given for a field (``field``: street, department) that is neither the id nor
    the Chinese name of one of its entries (``reason`` unknown), or is the name of several
    (``reason`` ambiguous; ``matches``: their ids). ``value``: as given. ``sample_county``:
    the entries are the bundled sample county's, read because no county was named."""

    def __init__(self, message: str, *, field: str, value: str, reason: str,
                 matches: Iterable[str] = (), sample_county: bool = False,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field, self.value, self.reason = field, value, reason
        self.matches, self.sample_county = list(matches), sample_county


class TooLargeError(UsageError):
    """The output asked for exceeds what its format can hold (an Excel sheet's rows)."""

    code = ErrorCode.TOO_LARGE

    def __init__(self, message: str, *, rows: int, limit: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.rows = rows
        self.limit = limit


class EngineError(DutyError):
    """The rule engine failed: a fault of the tool, never silently ignored."""

    code = ErrorCode.ENGINE


class LimitError(DataError):
    """A file passes one of the loader's limits (size, nodes, depth, scalar length, digits)."""

    code = ErrorCode.LIMIT

    def __init__(self, message: str, *, limit: str, maximum: int, location: Location,
                 hint: str | None = None) -> None:
        super().__init__(message, location=location, hint=hint)
        self.limit = limit
        self.maximum = maximum


class VocabularyError(DataError):
    """A value outside a vocabulary the policy sets (a field of work, 履职领域)."""

    code = ErrorCode.VOCAB

    def __init__(self, message: str, *, value: str, allowed: list[str], location: Location,
                 hint: str | None = None) -> None:
        super().__init__(message, location=location, hint=hint)
        self.value = value
        self.allowed = allowed


class FileKindError(DataError):
    """A path that must be a regular file (or a directory) is something else."""

    code = ErrorCode.FILETYPE

    def __init__(self, message: str, *, kind: str, location: Location,
                 hint: str | None = None) -> None:
        super().__init__(message, location=location, hint=hint)
        self.kind = kind  # fifo, device, socket, directory, loop, dangling, other


class OutputDirError(DataError):
    """An output directory the tool did not make, or whose contents it did not write."""

    code = ErrorCode.OUTDIR

    def __init__(self, message: str, *, foreign: list[str], location: Location,
                 hint: str | None = None, forcible: bool = False) -> None:
        super().__init__(message, location=location, hint=hint)
        self.foreign = foreign  # entries the tool did not write (relative paths)
        self.forcible = forcible  # a forced write would go ahead (writing only its own files)


class CountyMissingError(DataError):
    """A county directory that does not exist (``directory``: as shown to the user). Each door
    adds how its users name a county."""

    code = ErrorCode.NOTFOUND

    def __init__(self, message: str, *, directory: str, hint: str | None = None) -> None:
        super().__init__(message, location=Location(directory), hint=hint)
        self.directory = directory


class SystemFailure(DutyError):
    """The operating system refused a read or write: disk full, read-only, no permission."""

    code = ErrorCode.OS

    def __init__(self, message: str, *, errno: int | None, path: str | None,
                 cause: str, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message, location=Location(path), hint=hint, code=code)
        self.errno = errno
        self.path = path
        self.cause = cause  # the system's own words (strerror)


MAX_SHOWN_ERRORS = 50


class DataErrors(DataError):
    """Several data errors found in one pass; reported together.

    At most ``MAX_SHOWN_ERRORS`` are kept; ``omitted`` counts the rest, so a file with a
    million bad entries costs no more than one with fifty. Nested ``DataErrors`` are flattened
    (their omitted counts add up).
    """

    code = ErrorCode.DATA

    def __init__(self, errors: Iterable[DataError], omitted: int = 0) -> None:
        kept: list[DataError] = []
        for error in errors:
            inner = error.errors if isinstance(error, DataErrors) else [error]
            omitted += error.omitted if isinstance(error, DataErrors) else 0
            room = MAX_SHOWN_ERRORS - len(kept)
            kept += inner[:room]
            omitted += max(0, len(inner) - room)
        super().__init__(kept[0].message, location=kept[0].location, hint=kept[0].hint)
        self.errors = kept
        self.omitted = omitted
        self.code = kept[0].code

    def render(self) -> str:
        lines = [e.render() for e in self.errors]
        if self.omitted:
            lines.append(f"……另有 {self.omitted} 个错误未列出（先改正以上错误后再检查）")
        return "\n".join(lines)


def did_you_mean(value: object, choices: Iterable[str]) -> str | None:
    """A "did you mean" hint for an unknown id or value, or None. An id that differs only in
    its number's leading zeros (``S1`` for ``S01``) is matched before spelling."""
    options = sorted(choices)
    padded = _unpadded(str(value))
    same = [c for c in options if padded is not None and _unpadded(c) == padded]
    close = same or difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
    return f"您是否想写 “{close[0]}”？" if close else None


def _unpadded(ident: str) -> tuple[str, int] | None:
    """An id as its letters and the value of its trailing number (``S01`` → ("S", 1))."""
    match = re.fullmatch(r"([A-Za-z_-]*?)(\d+)", ident.strip())
    return (match.group(1).upper(), int(match.group(2))) if match else None


# -- the admission service ---------------------------------------------------------------------
# Each carries the offending values as attributes; the CLI and the web word them for their
# users (text and exit code, page and HTTP status).


class NotFoundError(DutyError):
    """Something named does not exist: a proposal, a version, an account, a store."""

    code = ErrorCode.NOTFOUND

    def __init__(self, message: str, *, kind: str, name: str,
                 known: Iterable[str] = (), hint: str | None = None) -> None:
        known = list(known)
        super().__init__(message, hint=hint or did_you_mean(name, known))
        self.kind, self.name, self.known = kind, name, known


class RefusedError(DutyError):
    """A step the process does not allow now: wrong state, a guard not met."""

    code = ErrorCode.REFUSED

    def __init__(self, message: str, *, proposal: str | None, action: str,
                 state: str | None, reasons: Iterable[str] = (), hint: str | None = None,
                 allowed: Iterable[str] = ()) -> None:
        super().__init__(message, hint=hint)
        self.proposal, self.action, self.state = proposal, action, state
        self.reasons, self.allowed = list(reasons), list(allowed)


class ForbiddenError(DutyError):
    """The account (or the role it acts in) may not do this."""

    code = ErrorCode.FORBIDDEN

    def __init__(self, message: str, *, account: str | None, role: str | None,
                 action: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.account, self.role, self.action = account, role, action


class AuthError(DutyError):
    """No account could be established for the caller (missing, unknown or revoked token,
    or an account whose rows the audit record does not vouch for: ``account``)."""

    code = ErrorCode.AUTH

    def __init__(self, message: str, *, account: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.account = account


class ConflictError(DutyError):
    """The request contradicts what is stored (an id taken, a store of another county)."""

    code = ErrorCode.CONFLICT

    def __init__(self, message: str, *, subject: str, stored: str | None,
                 given: str | None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.subject, self.stored, self.given = subject, stored, given


class StoreError(DutyError):
    """The store cannot be opened or written (missing, damaged, busy, newer, misconfigured)."""

    code = ErrorCode.STORE

    def __init__(self, message: str, *, store: str, reason: str,
                 hint: str | None = None) -> None:
        super().__init__(message, location=Location(store), hint=hint)
        self.store, self.reason = store, reason


# -- who handles a complaint (`duty who`) ------------------------------------------------------


class QueryError(UsageError):
    """A complaint text that cannot be looked up: empty, or longer than ``maximum``."""

    code = ErrorCode.QUERY

    def __init__(self, message: str, *, reason: str, length: int, maximum: int,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason  # "empty" or "too-long"
        self.length, self.maximum = length, maximum


class NoListsError(DataError):
    """A county (or one of its streets) with no item on any list: nothing to look up."""

    code = ErrorCode.NOLISTS

    def __init__(self, message: str, *, county: str, street: str | None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.county, self.street = county, street


# -- the notes and attachments of a step (review, legal opinion) -------------------------------


class AttachmentError(DataError):
    """An attachment that cannot be kept: too large, of a type not accepted, too many, empty,
    or whose content is not what its name says (``reason``: size, type, count, empty)."""

    code = ErrorCode.ATTACHMENT

    def __init__(self, message: str, *, name: str, reason: str, maximum: int | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.name, self.reason, self.maximum = name, reason, maximum


class NoteError(DataError):
    """The text of a step's note missing where the step needs it, or too long (``field``: text
    or basis; ``reason``: empty or long)."""

    code = ErrorCode.NOTE

    def __init__(self, message: str, *, field: str, reason: str, maximum: int | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field, self.reason, self.maximum = field, reason, maximum
