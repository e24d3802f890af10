"""An auto-graded course on convolutional layers: checks against Keras, a sandboxed
batch grader, nbgrader integration and a student self-check (``pytest autograder``).

Importing the package is cheap: TensorFlow is imported only where Keras runs.
"""

__version__ = "0.1.0"
