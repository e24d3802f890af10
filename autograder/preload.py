"""Imported once by the fork server, so each sandboxed child starts with the heavy
libraries loaded. Runs no TensorFlow op: TensorFlow's thread pools do not survive
a fork."""

from .quiet import quiet_tensorflow

quiet_tensorflow()

import keras  # noqa: E402,F401
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401
import numpy  # noqa: E402,F401
import tensorflow  # noqa: E402,F401

from . import adapters, calls, sandbox, scoring  # noqa: E402,F401

sandbox.notebook_shell()
