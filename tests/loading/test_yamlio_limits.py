"""The YAML loader's limits and file checks: codes, attributes and lines, not message text."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from engine.errors import MAX_SHOWN_ERRORS, DataError, DataErrors, FileKindError, LimitError
from engine.loading.county import read_county
from engine.loading.limits import county_limits
from engine.loading.yamlio import DEFAULT_LIMITS, Limits, read_yaml, validate
from engine.models.county_files import ItemsFile
from tests.conftest import MINI


def _write(tmp_path: Path, text: str, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def laughs(levels: int = 9, width: int = 10) -> str:
    """A "billion laughs" document: each level is ``width`` aliases of the one before."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]"
              for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_by_its_expanded_size(tmp_path: Path) -> None:
    path = _write(tmp_path, laughs())
    assert path.stat().st_size < 600
    with pytest.raises(LimitError) as info:
        read_yaml(path)
    assert info.value.limit == "max_nodes"
    assert info.value.maximum == DEFAULT_LIMITS.max_nodes
    assert info.value.location.line == 5  # a4 stands for 111,111 values


def test_small_aliases_are_expanded_as_copies(tmp_path: Path) -> None:
    doc = read_yaml(_write(tmp_path, "a: &x {k: [1, 2]}\nb: *x\n"))
    assert doc.data == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}}
    assert doc.data["a"] is not doc.data["b"]
    assert doc.line_of(("b", "k", 1)) == 2  # inside a copy: the alias's line


def test_recursive_and_undefined_aliases(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_yaml(_write(tmp_path, "a: &x [1, *x]\n"))
    assert (info.value.code, info.value.location.line) == ("E-YAML", 1)
    with pytest.raises(DataError) as info:
        read_yaml(_write(tmp_path, "a: 1\nb: *nowhere\n"))
    assert (info.value.code, info.value.location.line) == ("E-YAML", 2)


def test_node_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "items:\n" + "- x\n" * 20)
    with pytest.raises(LimitError) as info:
        read_yaml(path, Limits(max_nodes=10))
    assert (info.value.limit, info.value.location.line) == ("max_nodes", 9)
    assert len(read_yaml(path, Limits(max_nodes=23)).data["items"]) == 20


def test_depth_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "[" * 100 + "]" * 100 + "\n")
    with pytest.raises(LimitError) as info:
        read_yaml(path)
    assert (info.value.limit, info.value.maximum) == ("max_depth", 64)
    data = read_yaml(path, Limits(max_depth=100)).data
    for _ in range(99):
        data = data[0]
    assert data == []


def test_byte_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: " + "x" * 200 + "\n")
    with pytest.raises(LimitError) as info:
        read_yaml(path, Limits(max_bytes=100))
    assert (info.value.limit, info.value.maximum, info.value.location.line) == (
        "max_bytes", 100, None)
    assert info.value.location.file.endswith("f.yaml")


def test_scalar_length_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: 1\nb: |\n" + "  line\n" * 30)
    with pytest.raises(LimitError) as info:
        read_yaml(path, Limits(max_scalar_chars=100))
    assert (info.value.limit, info.value.location.line) == ("max_scalar_chars", 2)


@pytest.mark.parametrize("number", ["9" * 5000, "-1234567890123456789", "0x" + "f" * 30,
                                    "1_000_000_000_000_000_000"])
def test_integer_digit_limit(tmp_path: Path, number: str) -> None:
    with pytest.raises(LimitError) as info:
        read_yaml(_write(tmp_path, f"a: 1\nfunding: {number}\n"))
    assert (info.value.limit, info.value.maximum, info.value.location.line) == (
        "max_int_digits", 18, 2)


def test_quoted_digits_are_text(tmp_path: Path) -> None:
    assert read_yaml(_write(tmp_path, f'a: "{"9" * 50}"\n')).data == {"a": "9" * 50}
    assert read_yaml(_write(tmp_path, "a: 999999999999999999\n")).data == {
        "a": 999_999_999_999_999_999}


@pytest.mark.parametrize("value", ["1.0e+999", ".inf", "-.inf", ".nan"])
def test_non_finite_numbers_are_out_of_range(tmp_path: Path, value: str) -> None:
    with pytest.raises(DataError) as info:
        read_yaml(_write(tmp_path, f"a: 1\narea_km2: {value}\n"))
    assert (info.value.code, info.value.location.line) == ("E-RANGE", 2)


def test_impossible_date_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_yaml(_write(tmp_path, "a: 1\nb: 2026-13-45\n"))
    assert (info.value.code, info.value.location.line) == ("E-YAML", 2)


def test_second_document_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_yaml(_write(tmp_path, "a: 1\n---\nb: 2\n"))
    assert (info.value.code, info.value.location.line) == ("E-YAML", 2)


def test_complex_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        read_yaml(_write(tmp_path, "a: 1\n? [x, y]\n: 2\n"))
    assert (info.value.code, info.value.location.line) == ("E-YAML", 2)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    with pytest.raises(FileKindError) as info:
        read_yaml(fifo)
    assert info.value.kind == "fifo"


def test_device_socket_directory_loop_and_dangling_link(tmp_path: Path) -> None:
    with pytest.raises(FileKindError) as info:
        read_yaml(Path("/dev/zero"))
    assert info.value.kind == "device"
    sock_path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(FileKindError) as info:
            read_yaml(sock_path)
        assert info.value.kind == "socket"
    with pytest.raises(FileKindError) as info:
        read_yaml(tmp_path)
    assert info.value.kind == "directory"
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    with pytest.raises(FileKindError) as info:
        read_yaml(tmp_path / "a.yaml")
    assert info.value.kind == "loop"
    (tmp_path / "d.yaml").symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(FileKindError) as info:
        read_yaml(tmp_path / "d.yaml")
    assert info.value.kind == "dangling"
    assert info.value.location.file.endswith("d.yaml")  # the link, not where it points


def test_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    target = _write(tmp_path, "a: 1\n", "real.yaml")
    (tmp_path / "link.yaml").symlink_to(target)
    assert read_yaml(tmp_path / "link.yaml").data == {"a": 1}


def test_errors_are_capped_and_counted(tmp_path: Path) -> None:
    path = _write(tmp_path, "schema_version: 1\nitems:\n" + "- {}\n" * 500)
    with pytest.raises(DataErrors) as info:
        validate(ItemsFile, read_yaml(path))
    err = info.value
    assert len(err.errors) == MAX_SHOWN_ERRORS
    assert err.omitted > 0 and len(err.errors) + err.omitted >= 500 * 5
    assert err.errors[0].location.line == 3
    assert err.render().count("\n") == MAX_SHOWN_ERRORS


def test_nested_error_lists_add_their_omitted_counts() -> None:
    one = DataErrors([DataError("x")] * 60)
    both = DataErrors([one, DataError("y"), one])
    assert len(both.errors) == MAX_SHOWN_ERRORS
    assert both.omitted == 121 - MAX_SHOWN_ERRORS


def _county(tmp_path: Path) -> Path:
    directory = tmp_path / "county"
    directory.mkdir()
    (directory / "county.yaml").write_text((MINI / "county.yaml").read_text("utf-8"), "utf-8")
    return directory


@pytest.mark.parametrize("make", ["dangling", "loop", "fifo", "directory"])
def test_odd_items_entries_are_errors(tmp_path: Path, make: str) -> None:
    directory = _county(tmp_path)
    items = directory / "items"
    items.mkdir()
    entry = items / "more.yaml"
    if make == "dangling":
        entry.symlink_to(items / "gone.yaml")
    elif make == "loop":
        entry.symlink_to(items / "other.yaml")
        (items / "other.yaml").symlink_to(entry)
    elif make == "fifo":
        os.mkfifo(entry)
    else:
        entry.mkdir()
    with pytest.raises(FileKindError) as info:
        read_county(directory)
    assert info.value.kind == make
    assert "items/" in info.value.location.file


@pytest.mark.parametrize("make", ["file", "dangling", "loop"])
def test_items_that_is_not_a_directory_is_an_error(tmp_path: Path, make: str) -> None:
    directory = _county(tmp_path)
    items = directory / "items"
    if make == "file":
        items.write_text("items: []\n", "utf-8")
    elif make == "dangling":
        items.symlink_to(tmp_path / "nowhere")
    else:
        items.symlink_to(items)
    with pytest.raises(FileKindError) as info:
        read_county(directory)
    assert info.value.kind == {"file": "other"}.get(make, make)


def test_county_raises_its_own_limits(tmp_path: Path) -> None:
    directory = _county(tmp_path)
    (directory / "items").mkdir()
    big = "items:\n" + "".join(
        f"  - {{id: X-{i}, name: 事项{i}, department: civil_affairs, category: assisting, "
        f"phases: [report], powers: [], legal_basis: 依据, public_facing: false, "
        f"high_volume: false, workload_days: 1}}\n" for i in range(9000))
    (directory / "items" / "many.yaml").write_text(big, "utf-8")
    with pytest.raises(LimitError) as info:
        read_county(directory)
    assert info.value.limit == "max_nodes"
    (directory / "limits.yaml").write_text("schema_version: 1\nmax_nodes: 300000\n", "utf-8")
    assert county_limits(directory).max_nodes == 300_000
    assert county_limits(directory).max_bytes == DEFAULT_LIMITS.max_bytes
    assert len(read_county(directory).items) == 9000 + len(read_county(MINI).items)


@pytest.mark.parametrize("text", ["schema_version: 1\nmax_nodes: 0\n",
                                  "schema_version: 1\nmax_nodes: unlimited\n",
                                  "schema_version: 1\nmax_depth: 100000\n",
                                  "schema_version: 1\nmax_node: 5\n"])
def test_limits_file_is_validated(tmp_path: Path, text: str) -> None:
    directory = _county(tmp_path)
    (directory / "limits.yaml").write_text(text, "utf-8")
    with pytest.raises(DataErrors) as info:
        read_county(directory)
    assert info.value.code == "E-SCHEMA"
    assert info.value.location.file.endswith("limits.yaml")
