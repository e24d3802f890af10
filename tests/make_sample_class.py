"""Writes the bundled sample class, tests/sample_class/<student>/<assignment>/<notebook>.

    python tests/make_sample_class.py

- alice solved everything;
- bob made one known mistake per assignment (from tests/mistakes/);
- carol handed in the untouched stubs;
- dave's submissions are broken: invalid JSON, a cell that kills the kernel,
  a syntax error, a function that never returns, a missing notebook, a deleted
  imports cell (every answer then fails on ``np``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from autograder.core.course import ASSIGNMENTS  # noqa: E402
from bench import synth  # noqa: E402

BOB_MISTAKES = {
    "01_conv_basics": "conv2d_manual__flipped-kernel",
    "02_filters": "multi_filter_conv__same-padding-symmetric",
    "03_pooling": "maxpool_manual__same-padding-zeros",
    "04_cnn_models": "count_conv_params__missing-bias",
    "05_edge_detection": "detect_edges__integer-overflow",
    "06_backprop": "avgpool_backward_manual__avg-gradient-undivided",
}


def mistake(name: str) -> tuple[str, str]:
    """(function, source) of tests/mistakes/<name>.py."""
    return name.split("__")[0], (HERE / "mistakes" / f"{name}.py").read_text()


def dave(assignment, path: Path) -> None:
    """A broken submission, different for each assignment."""
    name = assignment.name
    if name == "01_conv_basics":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"cells": [ this is not JSON')
    elif name == "02_filters":  # the folder is there, the notebook is not
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "NOTE.txt").write_text("dave forgot to attach the notebook\n")
    elif name == "03_pooling":
        nb = synth.solved(assignment)
        crash = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "id": "crash"}
        crash["source"] = "import os\nos._exit(1)  # kills the kernel"
        nb["cells"].insert(1, crash)
        synth.write(nb, path)
    elif name == "04_cnn_models":
        first = assignment.functions[0]
        synth.write(synth.solved(assignment, {first: f"def {first}(:\n    pass"}), path)
    elif name == "06_backprop":  # the imports cell deleted: the answers are there, np is not
        nb = synth.solved(assignment)
        first_code = next(i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code")
        del nb["cells"][first_code]
        synth.write(nb, path)
    else:
        first = assignment.functions[0]
        loop = f"def {first}(*args, **kwargs):\n    while True:\n        pass"
        synth.write(synth.solved(assignment, {first: loop}), path)


def build(root: Path) -> Path:
    if root.exists():
        shutil.rmtree(root)
    for assignment in ASSIGNMENTS.values():
        if not (synth.PROJECT / "assignments" / assignment.name / assignment.notebook).exists():
            continue
        target = Path(assignment.name) / assignment.notebook
        synth.write(synth.solved(assignment), root / "alice" / target)
        function, source = mistake(BOB_MISTAKES[assignment.name])
        synth.write(synth.solved(assignment, {function: source}), root / "bob" / target)
        synth.write(synth.release(assignment), root / "carol" / target)
        dave(assignment, root / "dave" / target)
    return root


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "sample_class"))
