"""``python -m cvbook.figures list`` | ``python -m cvbook.figures NAME [--mode fast|full] [--out DIR]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cvbook.figures.catalog import find_figure, list_figures
from cvbook.figures.regenerate import regenerate
from cvbook.runtime import MODES

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cvbook.figures",
        description="List the book's paper figures, or regenerate one (PDF + PNG) by re-running its notebook.",
    )
    parser.add_argument("name", help="'list', or the name of a figure as 'list' prints it")
    parser.add_argument("--mode", choices=MODES, default="full", help="fast (CPU, seconds) or full (paper quality; default)")
    parser.add_argument("--out", type=Path, default=Path("figures"), help="folder for NAME.pdf and NAME.png (default: ./figures)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--root", type=Path, default=None, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    if args.name == "list":
        entries = list_figures(args.root)
        width = max((len(e.name) for e in entries), default=4)
        nbw = max((len(str(e.notebook)) for e in entries), default=8)
        for e in entries:
            mark = "" if e.recorded else " [from code]"
            print(f"{e.name:<{width}}  {str(e.notebook):<{nbw}}  {e.caption}{mark}")
        print(f"{len(entries)} figures in {len({e.notebook for e in entries})} notebooks")
        return 0
    try:
        entry = find_figure(args.name, args.root)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"running {entry.notebook} in {args.mode} mode ...", flush=True)
    pdf, png = regenerate(args.name, out=args.out, mode=args.mode, root=args.root, timeout=args.timeout)
    print(pdf)
    print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
