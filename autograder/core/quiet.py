"""Silencing TensorFlow's start-up logs, which nbgrader would count as errors."""

import os


def quiet_tensorflow() -> None:
    """Ask TensorFlow (C++ and Python) not to log below errors; call before importing it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
