"""The web service (Tornado, as JupyterHub itself): the students' API and the
instructor's pages.

API (``Authorization: token <T>``: a token from ``python -m autograder tokens``, or inside
a JupyterHub the user's hub token)::

    POST /api/submissions?filename=<assignment>/<notebook>   body: the notebook
        200 graded (the answer: ``grading.Service.answer``), 202 still grading (poll
        GET /api/submissions/<id>), 400 refused, 429 rate-limited, 401/403 who are you
    GET  /api/submissions[/<id>[?wait=1]]    the asker's own (an instructor: everyone's);
        ``wait``: once graded

Pages (instructors; a browser logs in at /login with a token, or through the hub):
``/`` class progress, ``/students/<id>``, ``/submissions/<id>/feedback``,
``POST /publish``, ``POST /unpublish``, ``/grades.csv``, ``/canvas.csv`` and
``/moodle.csv?id=email|username|idnumber`` (the LMS exports).
"""

from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from tornado import web

from ..core.course import ASSIGNMENTS
from ..report import lms
from . import identity, pages
from .grading import RateLimited, Refused, Service
from .store import Setting

MAX_NOTEBOOK_BYTES = 16 * 2**20
"""The largest request body (a notebook with its outputs)."""
WAIT_SECONDS = 60.0
"""How long ``POST /api/submissions`` waits for the grade before answering 202."""
COOKIE = "autograder-user"


@dataclass(frozen=True)
class Asker:
    """Who is asking."""

    name: str
    instructor: bool


@dataclass(frozen=True)
class Hub:
    """Running as a JupyterHub service: members of ``instructor_group`` are instructors."""

    instructor_group: str


class Base(HubOAuthenticated, web.RequestHandler):
    """Identity from a service token, a login cookie, or (as a hub service) the hub."""

    @property
    def service(self) -> Service:
        return self.settings["service"]

    @property
    def hub(self) -> Hub | None:
        return self.settings["hub"]

    def _header_token(self) -> str:
        kind, _, token = self.request.headers.get("Authorization", "").partition(" ")
        return token.strip() if kind.lower() in ("token", "bearer") else ""

    def get_current_user(self) -> Asker | None:
        person = identity.by_token(self.service.sessions, self._header_token())
        if person is None and not self.hub:
            cookie = self.get_signed_cookie(COOKIE, max_age_days=14)
            person = self.service.person(cookie.decode()) if cookie else None
        if person is not None:
            return Asker(person.name, person.instructor)
        if not self.hub:
            return None
        model = super().get_current_user()
        if not model or model.get("kind", "user") != "user":
            return None
        known = self.service.person(model["name"])
        instructor = self.hub.instructor_group in model.get("groups", ()) or bool(known and known.instructor)
        return Asker(model["name"], instructor)

    def get_login_url(self) -> str:
        return super().get_login_url() if self.hub else "/login"

    def check_xsrf_cookie(self):
        if self._header_token():  # a token in a header is no credential a browser adds by itself
            return None
        return super().check_xsrf_cookie() if self.hub else web.RequestHandler.check_xsrf_cookie(self)

    @property
    def xsrf_token(self):
        return super().xsrf_token if self.hub else web.RequestHandler.xsrf_token.fget(self)

    def on_roster(self, asker: Asker) -> None:
        roster = self.settings["roster"]
        if roster is not None and not asker.instructor and asker.name not in roster:
            raise web.HTTPError(403, f"{asker.name} is not on this course's roster")

    def instructor(self) -> Asker:
        asker = self.current_user
        if not asker.instructor:
            raise web.HTTPError(403, "instructors only")
        return asker


class Api(Base):
    def get_login_url(self) -> str:
        raise web.HTTPError(401, "no valid token (a student token from the instructor, or inside a hub the hub's)")

    def write_error(self, status_code: int, **kwargs) -> None:
        self.finish({"error": self._reason})

    async def graded(self, ident: int) -> None:
        """Wait until submission ``ident`` is graded, at most ``WAIT_SECONDS``."""
        future = self.service.done(ident)
        if future is not None:
            try:
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), WAIT_SECONDS)
            except asyncio.TimeoutError:
                pass

    def owned(self, ident: int):
        row = self.service.submission(ident)
        if row is None or (row.student != self.current_user.name and not self.current_user.instructor):
            raise web.HTTPError(404, f"no submission {ident}")
        return row


class Submissions(Api):
    @web.authenticated
    async def post(self):
        asker = self.current_user
        self.on_roster(asker)
        filename = self.get_query_argument("filename", "")
        student = self.get_query_argument("student", asker.name) if asker.instructor else asker.name
        try:
            student = identity.check_name(student)
        except ValueError as err:
            raise web.HTTPError(403, str(err)) from err
        try:
            text = self.request.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        try:
            if text is None:
                raise Refused("the notebook is not UTF-8 text")
            ident = self.service.receive(student, filename, text)
        except Refused as err:
            self.set_status(400)
            self.finish({"error": f"refused: {err}", "refused": True})
            return
        except RateLimited as limited:
            self.set_status(429)
            at = limited.allowance.next_allowed_at
            self.set_header("Retry-After", str(max(1, round((at - _now()).total_seconds()))))
            limit = self.service.limits.of(limited.assignment)
            self.finish(
                {
                    "error": f"rate-limited: no attempt left for {limited.assignment} ({limit.describe()}); "
                    f"the next is allowed at {at.isoformat()}",
                    "student": student,
                    "assignment": limited.assignment,
                    "attempts_left": 0,
                    "next_allowed_at": at.isoformat(),
                    "rate_limit": {"capacity": limit.capacity, "period_seconds": limit.period_seconds},
                }
            )
            return
        await self.graded(ident)
        row = self.service.submission(ident)
        self.set_status(200 if row.status == "graded" else 202)
        self.finish(self.service.answer(row))

    @web.authenticated
    def get(self):
        asker = self.current_user
        rows = self.service.submissions(None if asker.instructor else asker.name)
        self.finish({"submissions": [self.service.answer(r) for r in rows]})


class OneSubmission(Api):
    @web.authenticated
    async def get(self, ident: str):
        """``?wait=1``: answer once it is graded (at most ``WAIT_SECONDS``), not at once."""
        row = self.owned(int(ident))
        if self.get_query_argument("wait", "") and row.status in ("queued", "grading"):
            await self.graded(row.id)
            row = self.owned(row.id)
        self.finish(self.service.answer(row))


class ClassPage(Base):
    @web.authenticated
    def get(self):
        asker = self.current_user
        if not asker.instructor:
            self.redirect(f"{self.settings['prefix']}students/{asker.name}")
            return
        published = {a for a in ASSIGNMENTS if self.service.published(a)}
        rows = self.service.submissions()
        self.finish(
            pages.class_page(
                rows,
                self.settings["roster"] or [],
                published,
                self.xsrf_token.decode(),
                self.settings["prefix"],
                pages.lms_export(rows, self.settings["roster_rows"], "canvas").problems(),
            )
        )


class StudentPage(Base):
    @web.authenticated
    def get(self, student: str):
        asker = self.current_user
        if student != asker.name and not asker.instructor:
            raise web.HTTPError(403, "a student sees only their own submissions")
        self.finish(pages.student_page(student, self.service.submissions(student), self.settings["prefix"]))


class FeedbackPage(Base):
    @web.authenticated
    def get(self, ident: str):
        asker = self.current_user
        row = self.service.submission(int(ident))
        if row is None or (row.student != asker.name and not asker.instructor) or row.result is None:
            raise web.HTTPError(404)
        self.finish(pages.feedback_page(row, asker.instructor, self.service.published(row.assignment)))


class Publish(Base):
    publish = True

    @web.authenticated
    def post(self):
        self.instructor()
        self.service.publish(self.get_body_argument("assignment"), self.publish)
        self.redirect(self.settings["prefix"])


class Unpublish(Publish):
    publish = False


class GradesCsv(Base):
    @web.authenticated
    def get(self):
        self.instructor()
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", 'attachment; filename="grades.csv"')
        self.finish(pages.grades_csv(self.service.submissions()))


class LmsCsv(Base):
    """``/canvas.csv`` and ``/moodle.csv?id=email|username|idnumber``."""

    @web.authenticated
    def get(self, to: str):
        self.instructor()
        moodle_id = self.get_query_argument("id", "email")
        if moodle_id not in lms.MOODLE_IDS:
            raise web.HTTPError(400, f"id must be one of {sorted(lms.MOODLE_IDS)}")
        export = pages.lms_export(self.service.submissions(), self.settings["roster_rows"], to, moodle_id)
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", f'attachment; filename="{to}.csv"')
        self.finish(export.text)


class Login(Base):
    """Standalone: a browser logs in with a token once, then carries a signed cookie."""

    def get(self):
        self.finish(
            pages._page(
                "Log in",
                [
                    "<h1>Grading service</h1>",
                    '<form method="post" action="/login">',
                    f'<input type="hidden" name="_xsrf" value="{self.xsrf_token.decode()}">',
                    '<label>Token <input type="password" name="token" id="token" autocomplete="off"></label> ',
                    '<button type="submit" id="login">Log in</button></form>',
                ],
            )
        )

    def post(self):
        person = identity.by_token(self.service.sessions, self.get_body_argument("token", ""))
        if person is None:
            raise web.HTTPError(403, "unknown token")
        self.set_signed_cookie(COOKIE, person.name, httponly=True, samesite="Strict")
        self.redirect(self.get_query_argument("next", "/"))


def _now():
    from .store import now

    return now()


def cookie_secret(service: Service) -> bytes:
    """The secret that signs login cookies, kept in the database across restarts."""
    with service.sessions() as db:
        row = db.get(Setting, "cookie_secret")
        if row is None:
            row = Setting(name="cookie_secret", value=secrets.token_hex(32))
            db.add(row)
            db.commit()
        return bytes.fromhex(row.value)


def make_app(service: Service, roster: list[dict[str, str]] | None = None, hub: Hub | None = None) -> web.Application:
    """The Tornado application; ``roster``: its rows (``identity.roster``; none: anyone
    may submit); ``hub``: running as a JupyterHub service (its prefix and OAuth client from
    JupyterHub's environment variables)."""
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/") if hub else "/"
    settings = {
        "service": service,
        "roster": None if roster is None else {row["student"] for row in roster},
        "roster_rows": roster or [],
        "hub": hub,
        "prefix": prefix,
        "cookie_secret": cookie_secret(service),
        "xsrf_cookies": True,
        "login_url": "/login",
    }
    if hub:
        settings["hub_auth"] = HubOAuth.instance()
    routes = [
        (r"api/submissions", Submissions),
        (r"api/submissions/([0-9]+)", OneSubmission),
        (r"", ClassPage),
        (r"students/([^/]+)", StudentPage),
        (r"submissions/([0-9]+)/feedback", FeedbackPage),
        (r"publish", Publish),
        (r"unpublish", Unpublish),
        (r"grades.csv", GradesCsv),
        (r"(canvas|moodle).csv", LmsCsv),
    ]
    routes.append((r"oauth_callback", HubOAuthCallbackHandler) if hub else (r"login", Login))
    return web.Application(
        [(prefix + pattern, handler) for pattern, handler in routes], max_body_size=MAX_NOTEBOOK_BYTES, **settings
    )
