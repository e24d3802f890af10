"""Command line: ``python -m autograder <command>``.

Each command is a plain function elsewhere; this module only parses arguments,
reading defaults back from those functions so each default is written once. A
command is offered only where its module is part of this copy of the package (the
student copy has no distribution tools; the benchmarks are development tools, ``python -m
bench``, outside the package).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import inspect
import json
import os
import shlex
import sys
from pathlib import Path

from ..core import i18n
from ..core.course import has_hidden_checks
from ..execute.sandbox import Limits


def _default(function, name):
    return inspect.signature(function).parameters[name].default


def _add_limits(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sandbox limits")
    for f in dataclasses.fields(Limits):
        flag = "--" + f.name.replace("_", "-")
        help = f"{f.metadata['help']} ({f.metadata['unit']}; default {f.default})"
        group.add_argument(flag, type=type(f.default), default=f.default, help=help)


def _limits(args) -> Limits:
    return Limits(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Limits)})


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, received {text}")
    return value


def _add_dask(parser) -> None:
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="grade on a dask.distributed cluster: tcp://HOST:8786, or local:N for N worker processes here",
    )


def _add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=i18n.languages(),
        default=None,
        help=f"language of the feedback, over each notebook's metadata (autograder.lang) and {i18n.ENV} "
        "(default: English)",
    )


def _add_assignment(parser: argparse.ArgumentParser) -> None:
    from ..core.course import ASSIGNMENTS

    parser.add_argument(
        "--assignment",
        choices=list(ASSIGNMENTS),
        default=None,
        help="only this assignment; a notebook whose folder, name and grade ids do not say which assignment "
        "it is, is taken as this one",
    )


def _present(module: str) -> bool:
    """True when ``autograder.release.<module>`` is part of this copy of the package (not
    found through another copy installed in the same environment)."""
    package = Path(__file__).resolve().parent.parent
    try:
        spec = importlib.util.find_spec(f"autograder.release.{module}")
    except ModuleNotFoundError:  # the student copy has no autograder.release at all
        return False
    return spec is not None and spec.origin is not None and Path(spec.origin).resolve().parent == package / "release"


def build_parser() -> argparse.ArgumentParser:
    from ..report import similarity
    from . import batch

    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    g = commands.add_parser("grade", help="grade submissions and write results, feedback and a class summary")
    g.add_argument("paths", nargs="+", help="notebooks or folders in nbgrader's <student>/<assignment>/ layout")
    g.add_argument("--out", required=True, help="folder for results.json, feedback pages, grades.csv, summary")
    g.add_argument(
        "--workers",
        type=_positive,
        default=_default(batch.grade, "workers"),
        help="parallel submissions (default: cores)",
    )
    g.add_argument("--resume", action="store_true", help="grade only submissions without a result yet")
    g.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be graded and what is skipped (and why), grade nothing",
    )
    _add_assignment(g)
    g.add_argument(
        "--strict",
        action="store_true",
        help="refuse to grade with the public default course secret (AUTOGRADER_SECRET unset)",
    )
    g.add_argument(
        "--show-hidden", action="store_true", help="feedback shows hidden checks' details (grades published)"
    )
    g.add_argument("--public-only", action="store_true", help="run the public checks only")
    g.add_argument(
        "--isolation",
        choices=("namespaces", "none"),
        default=_default(batch.grade, "isolation"),
        help="namespaces: each submission in its own Linux user/mount/PID/network namespaces (default); "
        "none: no kernel isolation, for machines without namespaces (student code can read your files)",
    )
    _add_dask(g)
    g.add_argument(
        "--late-policy",
        metavar="FILE",
        help="TOML or JSON file with due dates and the late penalty (see docs/batch.md, 'Late submissions')",
    )
    _add_lang(g)
    _add_limits(g)

    c = commands.add_parser("self-check", help="check notebooks with the public checks (as pytest autograder does)")
    c.add_argument("notebooks", nargs="*", help="default: every notebook in assignments/")
    _add_assignment(c)
    _add_lang(c)
    if has_hidden_checks():  # the instructor's copy: the student copy offers grade and self-check only
        e = commands.add_parser("export", help="write a gradebook import CSV for Canvas or Moodle from graded results")
        e.add_argument(
            "reports", nargs="?", default="reports", help="the folder `grade --out` wrote (default: reports)"
        )
        e.add_argument("--to", required=True, choices=("canvas", "moodle"), help="the learning management system")
        e.add_argument("--roster", required=True, help="CSV with a 'student' column (see docs/batch.md, 'LMS export')")
        e.add_argument("--out", required=True, help="CSV file to write")
        e.add_argument(
            "--moodle-id",
            choices=("email", "username", "idnumber"),
            default="email",
            help="Moodle: the identifier column (roster's email, sis_login_id or sis_user_id; default email)",
        )

        m = commands.add_parser(
            "similarity", help="compare every pair of students' answers per function (evidence only)"
        )
        m.add_argument(
            "reports", help="the folder `grade --out` wrote: similarity.html goes there, and into its summary"
        )
        m.add_argument("--submissions", required=True, nargs="+", help="the submitted folder(s) in nbgrader's layout")
        m.add_argument(
            "--threshold",
            type=float,
            default=_default(similarity.write_report, "threshold"),
            help="pairs at or above this similarity (0..1) are shown side by side (default %(default)s)",
        )
    if _present("student_copy"):
        s = commands.add_parser(
            "student-copy", help="build the student copy: release notebooks, public checks, runtime"
        )
        s.add_argument("--out", required=True)
    if _present("messages"):
        t = commands.add_parser(
            "messages", help="update the message catalogues (translations) from the code and checks"
        )
        t.add_argument(
            "--update", action="store_true", help="merge new messages into the .po files, compile the .mo files"
        )
        t.add_argument("--check", action="store_true", help="exit 1 when a message has no translation (default)")
    if _present("leaks"):
        k = commands.add_parser(
            "leaks", help="how much of each graded answer its release notebook shows; refuse leaking releases"
        )
        k.add_argument("assignments", nargs="*", help="default: every assignment")
        k.add_argument("--visible", action="store_true", help="only the fingerprint table (no sandbox runs)")
    if _present("gradescope"):
        from . import gradescope as gradescope_run

        b = commands.add_parser("gradescope-bundle", help="build a Gradescope autograder zip for one assignment")
        b.add_argument("assignment")
        b.add_argument("--out", required=True, help="zip file to write")
        b.add_argument(
            "--allow-default-secret",
            action="store_true",
            help="build even though AUTOGRADER_SECRET is unset or the public default (hidden inputs then guessable)",
        )

        r = commands.add_parser("gradescope-run", help="(inside Gradescope) grade /autograder/submission")
        r.add_argument("assignment")
        r.add_argument("--root", default=_default(gradescope_run.run, "root"))
    _add_service_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..execute.sandbox import GraderError, IsolationUnavailable

    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:  # Ctrl-C before anything was graded (a batch says more itself)
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except (FileNotFoundError, FileExistsError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except IsolationUnavailable as err:
        print(
            f"error: {err}.\nThis machine cannot isolate student code with Linux namespaces (see "
            "docs/sandbox.md). To grade anyway, with the weaker guarantee, pass --isolation none.",
            file=sys.stderr,
        )
        return 2
    except GraderError as err:
        print(f"error: the grader failed (no grade was written for what it could not grade): {err}", file=sys.stderr)
        return 2


def _run(args) -> int:
    command = {
        "grade": _grade,
        "self-check": _self_check,
        "similarity": _similarity,
        "export": _export,
        "messages": _messages,
        "student-copy": _student_copy,
        "gradescope-bundle": _gradescope_bundle,
        "gradescope-run": _gradescope_run,
        "leaks": _leaks,
        "serve": _run_service,
        "tokens": _run_service,
        "submit": _run_service,
    }[args.command]
    return command(args)


def _grade(args) -> int:
    """The pre-flight (alone with ``--dry-run``), then the batch: 1 when nothing could be
    graded, 2 on a grader error, 130 on Ctrl-C (with the command that grades the rest)."""
    from ..judge.late import LatePolicy
    from . import batch

    if args.dry_run:
        found = batch.preflight(args.paths, args.out, args.assignment)
        print(found.summary())
        return 0 if found.submissions else 1
    try:
        figures = batch.grade(
            args.paths,
            args.out,
            assignment=args.assignment,
            strict=args.strict,
            workers=args.workers,
            resume=args.resume,
            show_hidden=args.show_hidden,
            limits=_limits(args),
            hidden=False if args.public_only else None,
            isolation=args.isolation,
            dask=args.dask,
            late_policy=LatePolicy.load(args.late_policy) if args.late_policy else None,
            lang=args.lang,
        )
    except batch.Interrupted as stop:
        again = [a for a in sys.argv[1:] if a != "--resume"] + ["--resume"]
        print(
            f"\nInterrupted: {stop.graded} submission{'s' * (stop.graded != 1)} graded and kept in {args.out}, "
            f"{stop.left} not graded.\nTo grade the rest: python -m autograder {shlex.join(again)}",
            file=sys.stderr,
        )
        # Every finished result and the manifest are written. A normal exit would join the
        # worker thread of the submission still running (and wait for it): leave now.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    if not figures["submissions"]:
        print("error: nothing to grade (see above)", file=sys.stderr)
        return 1
    print(json.dumps(figures, indent=2))
    print(f"Reports: {args.out}/grades.csv, {args.out}/summary.html, {args.out}/<student>/<assignment>/feedback.html")
    return 2 if figures["grader_errors"] else 0


def _self_check(args) -> int:
    import pytest

    options = [arg for notebook in args.notebooks for arg in ("--submission", notebook)]
    options += ["--lang", args.lang] if args.lang else []
    options += ["--assignment", args.assignment] if args.assignment else []
    return int(pytest.main([str(Path(__file__).resolve().parent.parent), "-p", "no:cacheprovider", *options]))


def _leaks(args) -> int:
    from ..release import leaks

    return leaks.main(args.assignments, renamed=not args.visible)


def _similarity(args) -> int:
    from ..report import reports, similarity

    pairs = similarity.from_submissions(args.submissions)
    page = similarity.write_report(args.reports, pairs, args.threshold)
    if (Path(args.reports) / reports.MANIFEST).is_file():
        reports.write_class_summary(Path(args.reports))
    above = sum(p.similarity >= args.threshold for p in pairs)
    print(f"{len(pairs)} pairs compared, {above} at or above {args.threshold:g}: {page} (evidence, not a verdict)")
    return 0


def _messages(args) -> int:
    from ..release import messages

    return messages.main(update=args.update)


def _student_copy(args) -> int:
    from ..release import student_copy

    print(student_copy.build(args.out))
    return 0


def _gradescope_bundle(args) -> int:
    from ..release import gradescope

    print(gradescope.bundle(args.assignment, args.out, allow_default_secret=args.allow_default_secret))
    return 0


def _gradescope_run(args) -> int:
    from . import gradescope

    gradescope.run(args.assignment, root=args.root)
    return 0


def _export(args) -> int:
    from pathlib import Path

    from ..report import lms, reports

    folder = Path(args.reports)
    if not (folder / reports.MANIFEST).is_file():
        raise FileNotFoundError(f"No graded results in {str(folder)!r} (no {reports.MANIFEST}): run `grade` first")
    roster = lms.read_roster(args.roster)
    result = lms.export(reports.load_results(folder), roster, args.to, args.moodle_id)
    reports.write_atomic(Path(args.out), result.text)
    for line in result.problems():
        print(f"warning: {line}", file=sys.stderr)
    print(f"Wrote {args.out} ({args.to}, {len(roster)} roster students)")
    return 0


def _service_present() -> bool:
    """True when the grading service (``autograder.service``) is part of this copy (the
    student copy has only its client, ``submit``)."""
    spec = importlib.util.find_spec("autograder.service")
    package = Path(__file__).resolve().parent.parent
    return spec is not None and spec.origin is not None and Path(spec.origin).resolve().parent == package / "service"


def _add_service_commands(commands) -> None:
    from . import submit

    s = commands.add_parser("submit", help="submit a notebook to the course's grading service and show the result")
    s.add_argument("notebook")
    s.add_argument("--server", help=f"the service's URL (default: $AUTOGRADER_SERVER, else {submit.DEFAULT_SERVER})")
    s.add_argument("--token", help="your token (default: $AUTOGRADER_TOKEN, else $JUPYTERHUB_API_TOKEN)")
    s.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    _add_lang(s)
    if not _service_present():
        return
    from ..service import server, store

    v = commands.add_parser("serve", help="run the grading service: students submit, and get official feedback at once")
    v.add_argument(
        "--db", default=store.DEFAULT_URL, help="database: a SQLite file or a postgresql:// URL (default %(default)s)"
    )
    v.add_argument("--host", default=_default(server.serve, "host"), help="address to listen on (default %(default)s)")
    v.add_argument("--port", type=_positive, default=_default(server.serve, "port"), help="(default %(default)s)")
    v.add_argument(
        "--workers",
        type=_positive,
        default=_default(server.serve, "workers"),
        help="submissions graded at once (default %(default)s)",
    )
    v.add_argument("--roster", help="CSV with a 'student' column: only these students may submit")
    v.add_argument("--limits", help="TOML file of rate limits per assignment (default: 5 attempts per hour)")
    v.add_argument(
        "--instructor-group",
        default=_default(server.serve, "instructor_group"),
        help="inside a JupyterHub: the hub group of instructors (default %(default)s)",
    )
    v.add_argument(
        "--isolation", choices=("namespaces", "none"), default=_default(server.serve, "isolation"), help="as for grade"
    )
    _add_dask(v)
    _add_limits(v)
    t = commands.add_parser(
        "tokens", help="print a new 'student,token' CSV line per roster student (only hashes are stored)"
    )
    t.add_argument("--db", default=store.DEFAULT_URL, help="the service's database (default %(default)s)")
    t.add_argument("--roster", help="CSV with a 'student' column")
    t.add_argument(
        "--instructor",
        action="append",
        default=[],
        metavar="NAME",
        help="also a token for this instructor (repeatable)",
    )


def _run_service(args) -> int:
    if args.command == "submit":
        from . import submit

        return submit.main(args.notebook, args.server, args.token, args.json, args.lang)
    from ..service import identity, server, store

    if args.command == "serve":
        remote = None
        if args.dask:
            from .cluster import DaskGrading

            remote = DaskGrading(args.dask, _limits(args), None, args.isolation)
        try:
            return server.serve(
                args.db,
                args.host,
                args.port,
                args.workers,
                args.roster,
                args.limits,
                args.instructor_group,
                args.isolation,
                _limits(args),
                remote,
            )
        finally:
            if remote is not None:
                remote.close()
    if not args.roster and not args.instructor:
        raise ValueError("tokens needs --roster FILE or --instructor NAME")
    students = identity.roster_students(args.roster) if args.roster else []
    sessions = store.open_database(args.db)
    sys.stdout.write(
        "student,token\n"
        + "".join(f"{name},{token}\n" for name, token in identity.issue_tokens(sessions, students, args.instructor))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
