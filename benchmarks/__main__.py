"""``python -m benchmarks [--out benchmarks/RESULTS.md] [--only box_iou,nms,...] [--rounds 15] [--book-full]``.

Runs every case on one CPU thread (the book's policy, ``cvbook.runtime.apply_thread_policy``), prints
the markdown table and writes it to ``--out``. ``--book-full`` (meant for a GPU machine) also runs every
notebook once in full mode, in memory (the notebooks are not rewritten), and adds its times per chapter.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import sys
import time
from pathlib import Path

import torch

from benchmarks.cases import CASES, REPO, Row, book_times


def machine() -> str:
    """One line on the machine: CPU model, cores, load, GPU, versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f} at start"
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    import torchvision

    return (
        f"{cpu}, {os.cpu_count()} logical cores{load}; {gpu}; torch {torch.__version__}, "
        f"torchvision {torchvision.__version__}, Python {platform.python_version()}, {torch.get_num_threads()} thread(s)"
    )


def _table(rows: list[Row]) -> list[str]:
    out = ["| benchmark | setting | cvbook | reference | result | target | |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        out.append(f"| {r.case} | {r.setting} | {r.ours} | {r.reference} | {r.result} | {r.target} | {r.verdict} |")
    return out


def _book_full(root: Path) -> list[tuple[str, int, float]]:
    """Run every notebook once in full mode, in memory; seconds per chapter."""
    import nbformat
    from nbclient import NotebookClient

    from cvbook.book.notebooks import find_notebooks

    os.environ["CVBOOK_MODE"] = "full"
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p)
    per: dict[str, list] = {}
    for path in find_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        entry = per.setdefault(path.parent.name, [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - start
        print(f"  full mode {time.perf_counter() - start:7.1f} s  {path.relative_to(root)}", flush=True)
    return [(k, v[0], v[1]) for k, v in sorted(per.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(CASES)},book")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per comparison (median)")
    parser.add_argument("--book-full", action="store_true", help="also run the book in full mode (GPU machine)")
    args = parser.parse_args(argv)

    from cvbook.runtime import apply_thread_policy

    apply_thread_policy()  # one thread, unless CVBOOK_THREADS says otherwise
    wanted = [s for s in args.only.split(",") if s] or [*CASES, "book"]
    unknown = set(wanted) - set(CASES) - {"book"}
    if unknown:
        parser.error(f"unknown cases {sorted(unknown)}; choose from {', '.join(CASES)}, book")
    lines = [
        "# Benchmark results",
        "",
        f"`python -m benchmarks` on {_dt.date.today().isoformat()}: {machine()}.",
        "Ratios are cvbook / reference, same process, interleaved, median over "
        f"{args.rounds} rounds (below 1 is faster).",
        "",
    ]
    rows: list[Row] = []
    for name in wanted:
        if name == "book":
            continue
        start = time.perf_counter()
        try:
            new = CASES[name](args.rounds)
        except Exception as err:  # a broken op is a result to report, not a reason to lose the table
            new = [Row(name, "", "", "", "", "", f"failed: {type(err).__name__}: {err}")]
        rows += new
        print(f"  {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    if rows:
        lines += _table(rows) + [""]
    if "book" in wanted:
        chapters, total = book_times()
        lines += [
            "Book execution time per chapter, from each notebook's `metadata.cvbook` (the stored runs):",
            "",
            "| chapter | notebooks | seconds | stored runs |",
            "| --- | --- | --- | --- |",
        ]
        lines += [f"| {c} | {n} | {s:.1f} | {info} |" for c, n, s, info in chapters]
        lines += [f"| **total** | {sum(c[1] for c in chapters)} | **{total:.1f}** | |", ""]
    if args.book_full:
        if not torch.cuda.is_available():
            lines += ["Full mode not run: no CUDA device here.", ""]
        else:
            full = _book_full(REPO)
            lines += ["Full-mode execution time per chapter on this machine (in memory, notebooks not rewritten):", "",
                      "| chapter | notebooks | seconds |", "| --- | --- | --- |"]
            lines += [f"| {c} | {n} | {s:.1f} |" for c, n, s in full]
            lines += [f"| **total** | {sum(c[1] for c in full)} | **{sum(c[2] for c in full):.1f}** |", ""]
    text = "\n".join(lines)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
