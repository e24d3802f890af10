"""The kernel boundary around a sandboxed child (Linux namespaces, no Docker).

``enter(view, limits)`` runs in a freshly forked child before any student code. It
puts the child into new user (when the grader is not root), mount, PID, network,
IPC and UTS namespaces, builds a new root file system that holds only what the
``View`` names (Python, its libraries, the system libraries, a private size-limited
``/tmp``), pivots into it, drops every capability and, when the grader is root,
becomes a uid of its own (``sandbox_uid``). The child's PID 1 dies with its parent,
and every process it starts dies with it. What the child can reach afterwards:

- read-only: the interpreter, ``sys.path``'s library folders (minus ``View.hidden``:
  this package's own folder when it is installed there, and for NumPy-only
  children TensorFlow, Keras, ...), ``/usr`` and a generated ``/etc``;
- read-write: ``/tmp`` and ``/dev/shm`` (tmpfs, ``Limits.scratch_bytes`` each);
- its own loopback network, its own process tree, nothing else.

Between sandboxes: the child is the leader of its own session and process group, so
``kill(0, ...)`` reaches only its own processes and ``kill(-1, ...)`` only its own PID
namespace; its process budget (``RLIMIT_NPROC``) is its own (``process_budget`` says how).

Where this cannot work (not Linux, user namespaces forbidden), ``enter`` raises
``IsolationError`` with the reason; see ``autograder.execute.sandbox`` for the policy.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import re
import resource
import signal
import socket
import stat
import struct
import sys
from dataclasses import dataclass, field

SANDBOX_UID = 1000
"""The child's uid inside its user namespace (mapped to the grader's own uid)."""
UID_BASE = 0x70000000
"""Sandboxes of a root grader run as ``UID_BASE`` + the host process id of the child:
distinct for every sandbox alive at the same time on the machine (process ids are),
in a range no distribution or systemd assigns (1879048192 up to 1879048192 + pid_max)."""

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_MNT_DETACH = 2
_PR_SET_PDEATHSIG, _PR_SET_DUMPABLE, _PR_CAPBSET_DROP = 1, 4, 24
_PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
_SIOCSIFFLAGS, _IFF_UP = 0x8914, 0x1

ENVIRONMENT = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/tmp/.matplotlib",
    "KERAS_HOME": "/tmp/.keras",
    "IPYTHONDIR": "/tmp/.ipython",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "ABSL_MIN_LOG_LEVEL": "3",
    "KERAS_BACKEND": "tensorflow",
    "PYTHONDONTWRITEBYTECODE": "1",
}
"""The whole environment of a sandboxed child (and of the fork server): an allow-list,
so no secret or credential of the grader's environment ever reaches student code."""


class IsolationError(OSError):
    """The kernel refused to isolate the child (the reason says which step)."""


@dataclass(frozen=True)
class View:
    """What a child sees of the file system (host paths, all read-only)."""

    mounts: tuple[str, ...]
    """Folders and files bound read-only at the same path inside."""
    hidden: tuple[str, ...] = ()
    """Folders and files inside ``mounts`` covered by an empty read-only folder or file."""
    symlinks: dict[str, str] = field(default_factory=dict)
    """Path -> target of symbolic links to create (``/lib`` -> ``usr/lib``...)."""


_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise IsolationError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), f"mount {target}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _bind(host: str, root: str, device: bool = False) -> None:
    """``host`` at the same path under ``root``: read-only, or a usable device node."""
    target = root + host
    if os.path.isdir(host):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            _write(target, "")
    _mount(host, target, None, _MS_BIND | _MS_REC)
    flags = _MS_BIND | _MS_REMOUNT | _MS_NOSUID | (0 if device else _MS_NODEV | _MS_RDONLY)
    _mount(None, target, None, flags)


def _cover(path: str, root: str) -> None:
    """An empty read-only folder or file over ``path`` (which the child must not see)."""
    target = root + path
    if os.path.isdir(target):
        _mount("tmpfs", target, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_RDONLY, "size=4k,mode=0555")
    elif os.path.lexists(target):
        empty = root + "/.empty"
        if not os.path.exists(empty):
            _write(empty, "")
        _mount(empty, target, None, _MS_BIND)
        _mount(None, target, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", _IFF_UP))


def _etc(root: str, uid: int, gid: int) -> None:
    os.makedirs(root + "/etc", exist_ok=True)
    _write(root + "/etc/passwd", f"root:x:0:0::/:/bin/false\nstudent:x:{uid}:{gid}::/tmp:/bin/false\n")
    _write(root + "/etc/group", f"root:x:0:\nstudent:x:{gid}:\n")
    _write(root + "/etc/hosts", "127.0.0.1 localhost sandbox\n::1 localhost\n")
    for name in ("ld.so.cache", "localtime"):
        host = f"/etc/{name}"
        if os.path.islink(host):
            os.symlink(os.readlink(host), root + host)
        elif os.path.isfile(host):
            _bind(host, root)


def _dev(root: str, scratch: str) -> None:
    os.makedirs(root + "/dev", exist_ok=True)
    _mount("tmpfs", root + "/dev", "tmpfs", _MS_NOSUID | _MS_NOEXEC, "size=64k,mode=0755")
    for name in ("null", "zero", "full", "random", "urandom"):
        _bind(f"/dev/{name}", root, device=True)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "fd/0"), ("stdout", "fd/1"), ("stderr", "fd/2")):
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/dev/shm")
    _mount("tmpfs", root + "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={scratch},mode=1777")


def _build_root(root: str, view: View, scratch_bytes: int, uid: int, gid: int) -> None:
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=0755")
    os.makedirs(root + "/tmp")  # first: a library folder may lie under /tmp (a venv in a checkout there)
    _mount("tmpfs", root + "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={scratch_bytes},mode=1777")
    for path in view.mounts:
        _bind(path, root)
    for path in view.hidden:
        _cover(path, root)
    for path, target in view.symlinks.items():
        os.symlink(target, root + path)
    _etc(root, uid, gid)
    _dev(root, str(scratch_bytes))
    os.makedirs(root + "/proc")
    _mount("proc", root + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    os.makedirs(root + "/.old")
    os.chdir(root)
    _check(_libc.syscall(_SYS_PIVOT_ROOT[os.uname().machine], b".", b".old"), "pivot_root")
    _check(_libc.umount2(b"/.old", _MNT_DETACH), "umount the old root")
    os.rmdir("/.old")
    _mount(None, "/", None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
    os.chdir("/tmp")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    for cap in range(64):
        _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)  # EINVAL past the last capability: ignored
    _libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def _set_limits(memory_bytes: int, scratch_bytes: int, processes: int) -> None:
    size = _vm_size() + memory_bytes
    for limit, value in (
        (resource.RLIMIT_AS, size),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_FSIZE, scratch_bytes),
        (resource.RLIMIT_NPROC, processes),
        (resource.RLIMIT_NOFILE, 1024),
    ):
        soft, hard = resource.getrlimit(limit)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (value, value))


def _vm_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def sandbox_uid(pid: int) -> int:
    """The uid (and gid) of a root grader's sandbox whose child has host process id ``pid``."""
    return UID_BASE + pid


def process_budget() -> str:
    """How each sandbox gets a process budget of its own on this machine (said at start)."""
    if os.geteuid() == 0:
        return f"each sandbox runs as a uid of its own ({UID_BASE} + its process id), so its process limit is its own"
    release = tuple(int(x) for x in re.findall(r"\d+", os.uname().release)[:2])
    if release >= (5, 14):
        return "each sandbox has a user namespace of its own, where Linux counts its processes apart from the others"
    return (
        f"Linux {os.uname().release} counts the processes of every sandbox together (one uid, no per-namespace "
        "count before 5.14): a student who forks many processes can slow a classmate; grade as root to avoid it"
    )


def _wait_and_exit(pid: int) -> None:
    """The intermediate process: wait for the sandbox's PID 1 and exit as it did."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
        os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def enter(view: View, root: str, memory_bytes: int, scratch_bytes: int, processes: int) -> None:
    """Isolate the calling (single-threaded, freshly forked) process; returns in the
    sandbox's PID 1, a grandchild of the caller (the caller waits for it and exits).

    Args:
        view: what the child sees of the file system.
        root: an empty host folder to build the new root on (never visible afterwards).
        memory_bytes: address space the child may add to what it has now.
        scratch_bytes: size of ``/tmp`` and ``/dev/shm``, and the largest file it may write.
        processes: processes and threads its user may have (RLIMIT_NPROC).

    Raises:
        IsolationError: naming the step the kernel refused (in the caller, or in the
            grandchild once it has forked).
    """
    if not sys.platform.startswith("linux"):
        raise IsolationError(0, f"kernel isolation needs Linux namespaces (this is {sys.platform})")
    as_root = os.geteuid() == 0
    flags = _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWUTS
    own = sandbox_uid(os.getpid())
    uid, gid = (own, own) if as_root else (SANDBOX_UID, SANDBOX_UID)
    if as_root:
        _check(_libc.unshare(flags), "unshare")
    else:
        outer_uid, outer_gid = os.geteuid(), os.getegid()
        _check(_libc.unshare(flags | _CLONE_NEWUSER), "unshare (user namespaces)")
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {outer_uid} 1\n")
        _write("/proc/self/gid_map", f"{gid} {outer_gid} 1\n")
    pid = os.fork()
    if pid:
        _wait_and_exit(pid)
    os.setsid()  # a group of its own inside the namespace: kill(0) never reaches the waiting parent
    _build_root(root, view, scratch_bytes, uid, gid)
    _loopback_up()
    socket.sethostname("sandbox")
    if as_root:
        for cap in range(64):
            _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    else:
        _drop_capabilities()
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _set_limits(memory_bytes, scratch_bytes, processes)
    _check(_libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "pdeathsig")


def available() -> str | None:
    """None when this machine lets the grader isolate children, else the reason."""
    if not sys.platform.startswith("linux"):
        return f"kernel isolation needs Linux namespaces (this is {sys.platform})"
    import tempfile

    with tempfile.TemporaryDirectory() as target:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                flags = _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWIPC
                _check(_libc.unshare(flags | (0 if os.geteuid() == 0 else _CLONE_NEWUSER)), "unshare")
                _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
                _mount("tmpfs", target, "tmpfs", 0, "size=4k")
                os._exit(0)
            except BaseException as err:
                os.write(write, str(err).encode()[:500])
                os._exit(1)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            reason = pipe.read().decode(errors="replace")
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return None
    hint = ""
    if os.path.exists("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"):
        with open("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") as f:
            if f.read().strip() == "1":
                hint = " (AppArmor restricts unprivileged user namespaces here: see docs/sandbox.md)"
    return (reason or "the kernel refused") + hint


def _readable_by_others(path: str) -> bool:
    """True when an unprivileged user can read ``path`` (every parent searchable)."""
    path = os.path.realpath(path)
    while True:
        mode = os.stat(path).st_mode
        if not mode & stat.S_IXOTH or not mode & stat.S_IROTH:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def unisolated(memory_bytes: int, scratch_bytes: int, processes: int) -> None:
    """``--isolation none``: no namespaces; the resource limits, and when the grader is
    root and Python is readable by others (a container's system Python), a uid of its own."""
    if os.geteuid() == 0 and all(_readable_by_others(p) for p in (sys.prefix, sys.base_prefix)):
        own = sandbox_uid(os.getpid())
        os.setgroups([])
        os.setresgid(own, own, own)
        os.setresuid(own, own, own)
        os.chdir("/tmp")
    _set_limits(memory_bytes, scratch_bytes, processes)


def host_view(hidden: tuple[str, ...] = ()) -> View:
    """The read-only view for a child of this interpreter: Python's prefixes and library
    folders on ``sys.path``, ``/usr``, and the top-level links or folders of the
    system libraries; ``hidden`` folders (and this package's folder) covered."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    project = os.path.dirname(package)
    mounts: set[str] = {"/usr"}
    for entry in (sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path):
        path = os.path.realpath(entry or ".")
        if not os.path.isdir(path) or path in ("/", project) or project.startswith(path + os.sep):
            continue  # never the course folder or anything above it
        mounts.add(path)
    symlinks = {}
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            symlinks[top] = os.readlink(top)
        elif os.path.isdir(top):
            mounts.add(top)
    mounts = {m for m in mounts if not any(m.startswith(o + os.sep) for o in mounts)}
    covered = {os.path.realpath(p) for p in (package, *hidden) if os.path.exists(p)}
    covered.add(project)
    covered = {p for p in covered if any(p.startswith(m + os.sep) for m in mounts)}
    return View(tuple(sorted(mounts)), tuple(sorted(covered)), symlinks)
