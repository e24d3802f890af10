"""Public checks, one module per assignment. Each module has ``public_checks()``
returning a list of ``autograder.core.spec.Check``; these ship to students."""
