"""Front ends: the batch grader (``batch``, on dask through ``cluster``), the command line
(``cli``) and nbgrader's autograde (``nbgrader_plugin``, in parallel through
``nbgrader_ahead``). The in-notebook ``check()`` (``autograder.inline``) and the
pytest self-check (``autograder/conftest.py``) sit at the package's top, where
notebooks and pytest find them."""
