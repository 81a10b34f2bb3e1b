"""The replay parses the largest files first and still handles them in input order."""

from __future__ import annotations

from pathlib import Path

from pipeline.replay import in_input_order, largest_first


def test_largest_files_are_parsed_first_ties_in_input_order(tmp_path: Path) -> None:
    sizes = {"a.xml": 10, "b.xml": 300, "c.xml": 10, "d.xml": 2000}
    files = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        files.append(str(tmp_path / name))
    files.append(str(tmp_path / "gone.xml"))  # unreadable: size 0, its dead letter comes from parsing
    assert [position for position, _ in largest_first(files)] == [3, 1, 0, 2, 4]


def test_results_come_out_in_input_order_and_are_seen_on_arrival() -> None:
    arrivals = [(2, "c"), (0, "a"), (3, "d"), (1, "b")]
    seen: list[str] = []
    out = []
    for result in in_input_order(iter(arrivals), seen.append):
        out.append((result, list(seen)))
    assert [r for r, _ in out] == ["a", "b", "c", "d"]
    # "a" is handed on as soon as it came, with "c" seen before it; "b" releases "c" and "d"
    assert out[0] == ("a", ["c", "a"])
    assert out[1] == ("b", ["c", "a", "d", "b"])
