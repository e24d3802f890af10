"""Fork servers: processes that import the heavy libraries once and fork a sandboxed
child per submission.

Two kinds: ``tf`` preloads NumPy, TensorFlow, Keras, matplotlib and an IPython
shell; ``numpy`` preloads NumPy, matplotlib and the shell and never imports
TensorFlow, so NumPy-only functions run where TensorFlow does not exist (its
folders are also hidden from that child's file system).

A server is its own process (``python -m autograder.execute.forkserver KIND FD``) started
with the sandbox's allow-listed environment, so neither it nor any child it forks
has ever held the grader's secrets. It talks to the grader over a Unix socket: the
grader sends ``{"op": "fork", ...}`` with the child's end of a fresh socket pair
attached; the server forks, the child isolates itself and serves on that socket
(``autograder.execute.child.serve``), and the server answers ``{"event": "forked", "pid"}``.

``ForkServer`` is the grader's handle. A server that does not answer in time (it
died, or something stopped it) is replaced, and the fork tried once more.
"""

from __future__ import annotations

import glob
import os
import select
import signal
import site
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from ..core import plain
from .child import Event, Op

KINDS = ("tf", "numpy")
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent.parent)


class ForkServerError(RuntimeError):
    """The fork server could not start or fork (not the student's fault)."""


# ----------------------------------------------------------------------------------------------
# The server process


def _preload(kind: str) -> None:
    from ..core.quiet import quiet_tensorflow

    quiet_tensorflow()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401

    from . import calls, child  # noqa: F401  (preloaded: the children use them)

    if kind == "tf":
        import keras  # noqa: F401
        import tensorflow  # noqa: F401

        from . import adapters  # noqa: F401  (preloaded: the grader's files are not in the child's view)
    child.notebook_shell()


def search_folders() -> list[str]:
    """Every folder this interpreter could import from: the site-packages and
    dist-packages folders of its prefixes (the venv's, the base interpreter's, /usr's
    and /usr/local's), ``sys.path``, the user site-packages, ``PYTHONPATH``, and the
    folders ``.pth`` files in any of them name (found by reading the files, not by asking
    the import system, which a venv tells about only some of them)."""
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, "/usr", "/usr/local"}
    found = [p for prefix in prefixes for p in glob.glob(os.path.join(prefix, "lib*", "python3*", "*-packages"))]
    found += [p for p in sys.path if p] + [site.getusersitepackages()]
    found += os.environ.get("PYTHONPATH", "").split(os.pathsep)
    seen: set[str] = set()
    while found:
        folder = os.path.realpath(found.pop())
        if folder in seen or not os.path.isdir(folder):
            continue
        seen.add(folder)
        for pth in glob.glob(os.path.join(folder, "*.pth")):
            try:
                with open(pth, encoding="utf-8", errors="replace") as f:
                    lines = [line.strip() for line in f]
            except OSError:
                continue
            found += [os.path.join(folder, line) for line in lines if line and not line.startswith(("#", "import"))]
    return sorted(seen)


def forbidden_files(folders: list[str]) -> tuple[str, ...]:
    """What a NumPy-only child must not have, in ``folders``: each forbidden library's
    package folder or single-file module (``tensorflow/``, ``cv2.*.so``, ...) and the
    forbidden subpackages' folders (``scipy/signal``, ``scipy/ndimage``)."""
    from .child import FORBIDDEN_MODULES, FORBIDDEN_SUBMODULES

    found = []
    for folder in folders:
        for top in FORBIDDEN_MODULES:
            found += glob.glob(os.path.join(folder, glob.escape(top)))
            found += glob.glob(os.path.join(folder, glob.escape(top) + ".*"))
        for sub in FORBIDDEN_SUBMODULES:
            found += glob.glob(os.path.join(folder, *sub.split(".")))
    return tuple(sorted({os.path.realpath(p) for p in found if not p.endswith((".dist-info", ".egg-info", ".libs"))}))


def _run_child(kind: str, channel: socket.socket, request: dict, view, root: str) -> None:
    """In the forked child: isolate, then serve. Never returns."""

    from . import child, isolation

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()  # not the fork server's group: kill(0, ...) in one sandbox never reaches another
    fd = channel.detach()
    os.closerange(3, fd)
    os.closerange(fd + 1, 65536)
    devnull = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):
        os.dup2(devnull, std)
    os.close(devnull)
    os.environ.clear()
    os.environ.update(isolation.ENVIRONMENT)
    tempfile.tempdir = "/tmp" if request["isolation"] == "namespaces" else None
    conn = Connection(fd)
    try:
        if request["isolation"] == "namespaces":
            isolation.enter(view, root, request["memory_bytes"], request["scratch_bytes"], request["processes"])
        else:
            isolation.unisolated(request["memory_bytes"], request["scratch_bytes"], request["processes"])
        if kind == "numpy":
            child.numpy_only()
        elif request["threads"]:
            import tensorflow as tf  # preloaded, and no op has run yet in this process

            tf.config.threading.set_intra_op_parallelism_threads(request["threads"])
            tf.config.threading.set_inter_op_parallelism_threads(request["threads"])
    except BaseException as err:
        conn.send_bytes(plain.dumps({"event": Event.FATAL, "reason": f"{type(err).__name__}: {err}"}))
        os._exit(70)
    try:
        child.serve(conn, request["cell_seconds"], request["output_bytes"])
    finally:
        os._exit(0)


def serve(kind: str, control_fd: int) -> None:
    """The server's main loop: preload, say ready, fork on request, reap children."""
    from . import isolation

    control = socket.socket(fileno=control_fd)
    try:
        _preload(kind)
        view = isolation.host_view(forbidden_files(search_folders()) if kind == "numpy" else ())
        root = tempfile.mkdtemp(prefix="autograder-root-")
    except BaseException:
        control.send(plain.dumps({"event": Event.FATAL, "reason": traceback.format_exc(limit=3)}))
        return
    children: set[int] = set()
    control.send(plain.dumps({"event": Event.READY, "pid": os.getpid()}))
    try:
        while True:
            ready, _, _ = select.select([control], [], [], 1.0)
            _reap(children)
            if not ready:
                continue
            data, fds, _, _ = socket.recv_fds(control, 2**16, 1)
            if not data:
                return  # the grader is gone
            request = plain.loads(data)
            if request.get("op") != Op.FORK or len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                control.send(plain.dumps({"event": Event.ERROR, "reason": "bad request"}))
                continue
            channel = socket.socket(fileno=fds[0])
            pid = os.fork()
            if pid == 0:
                control.close()
                _run_child(kind, channel, request, view, root)
            channel.close()
            children.add(pid)
            control.send(plain.dumps({"event": Event.FORKED, "pid": pid}))
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.rmdir(root)


def _reap(children: set[int]) -> None:
    for pid in list(children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            children.discard(pid)


# ----------------------------------------------------------------------------------------------
# The grader's handle


def server_environment() -> dict[str, str]:
    """The fork server's whole environment: the sandbox's allow-list, plus where to
    find this package (never the grader's own variables, secrets included)."""
    from .isolation import ENVIRONMENT

    return {**ENVIRONMENT, "PYTHONPATH": _PACKAGE_PARENT}


class ForkServer:
    """A fork server of one kind, started on creation (it preloads in the background).

    Args:
        kind: "tf" or "numpy".
        start_seconds: how long the server may take to preload.
        fork_seconds: how long one fork may take before the server is replaced.
    """

    def __init__(self, kind: str, start_seconds: float = 300.0, fork_seconds: float = 20.0):
        if kind not in KINDS:
            raise ValueError(f"Unknown fork server kind. Expected one of {KINDS}. Received: kind={kind!r}")
        self.kind, self.start_seconds, self.fork_seconds = kind, start_seconds, fork_seconds
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._ready = False
        self._stopped = False
        self.restarts = 0
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autograder.execute.forkserver", self.kind, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=server_environment(),
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        theirs.close()
        self._control, self._ready = ours, False
        if self._stopped:  # stopped while this one started (a fork that failed as it stopped)
            self.stop()

    def _receive(self, seconds: float) -> dict | None:
        assert self._control is not None
        ready, _, _ = select.select([self._control], [], [], max(seconds, 0.0))
        if not ready:
            return None
        data = self._control.recv(2**16)
        return plain.loads(data) if data else None

    def _wait_ready(self) -> None:
        message = self._receive(self.start_seconds)
        if not message or message.get("event") != Event.READY:
            reason = (message or {}).get("reason") or "no answer"
            raise ForkServerError(f"the {self.kind} fork server did not start: {reason}")
        self._ready = True

    def _replace(self) -> None:
        """Kill this server (only: children it forked keep running) and start another."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)
        if self._control is not None:
            self._control.close()
        self.restarts += 1
        self._start()

    def fork(self, request: dict) -> tuple[int, socket.socket]:
        """Fork a child; returns (its pid, the grader's end of its channel, a socket).

        Raises:
            ForkServerError: when the server fails twice in a row.
        """
        with self._lock:
            reason = ""
            for _attempt in range(2):
                if self._stopped:
                    raise ForkServerError(f"the {self.kind} fork server was stopped (the grader is closing)")
                try:
                    if not self._ready:
                        self._wait_ready()
                    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
                    try:
                        socket.send_fds(self._control, [plain.dumps({"op": Op.FORK, **request})], [theirs.fileno()])
                    finally:
                        theirs.close()
                    reply = self._receive(self.fork_seconds)
                    if reply and reply.get("event") == Event.FORKED and isinstance(reply.get("pid"), int):
                        return reply["pid"], ours
                    ours.close()
                    reason = f"the {self.kind} fork server did not fork in {self.fork_seconds:g} s"
                except (OSError, ValueError, ForkServerError) as err:
                    reason = str(err)
                self._replace()
            raise ForkServerError(reason)

    def warm_up(self) -> None:
        """Wait until the server has preloaded (replacing it once if it fails)."""
        with self._lock:
            if not self._ready:
                try:
                    self._wait_ready()
                except ForkServerError:
                    self._replace()
                    self._wait_ready()

    def stop(self) -> None:
        """Kill the server and every child it forked. A stopped server forks no more (a
        fork under way fails, rather than starting a new server)."""
        self._stopped = True
        if self._process is not None and self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self._process.kill()
            self._process.wait(10)
        if self._control is not None:
            self._control.close()
        self._process, self._control, self._ready = None, None, False


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
