"""Development tooling, not shipped in the package: synthetic classes (``synth``), the
benchmark of every front end side by side (``front_ends``) and the grading service's load
test (``service``). Run from the project's root: ``python -m bench --help``."""
