"""``python -m bench front-ends|service``: the benchmarks, from the project's root."""

from __future__ import annotations

import argparse
import inspect
import sys


def _default(function, name):
    """A keyword's default, read back from the function (written once, there)."""
    return inspect.signature(function).parameters[name].default


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1. Received: {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from . import front_ends, service

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    f = commands.add_parser("front-ends", help="benchmark every front end side by side on a synthetic class")
    f.add_argument("--students", type=_positive, default=_default(front_ends.main, "students"))
    f.add_argument("--workers", type=_positive, default=_default(front_ends.main, "workers"))
    f.add_argument("--skip-nbgrader", action="store_true", help="leave out the nbgrader runs")
    f.add_argument(
        "--dask", default=_default(front_ends.main, "dask"), help="dask cluster to time too (default local:2)"
    )
    f.add_argument("--skip-dask", action="store_true", help="leave out the dask run")
    f.add_argument(
        "--assignments", nargs="+", default=list(_default(front_ends.main, "assignments")), help="default: all"
    )
    s = commands.add_parser("service", help="load-test the grading service on loopback against the batch grader")
    s.add_argument("--students", type=_positive, default=_default(service.main, "students"))
    s.add_argument("--workers", type=_positive, default=_default(service.main, "workers"))
    s.add_argument(
        "--burst", type=_positive, default=_default(service.main, "burst"), help="requests per student over the limit"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    from . import front_ends, service

    args = build_parser().parse_args(argv)
    try:
        if args.command == "service":
            return service.main(args.students, args.workers, args.burst)
        return front_ends.main(
            students=args.students,
            workers=args.workers,
            skip_nbgrader=args.skip_nbgrader,
            assignments=tuple(args.assignments),
            dask=None if args.skip_dask else args.dask,
        )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
