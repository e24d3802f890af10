"""The grading service: students submit, and get official feedback at once.

A long-running web service (Tornado) that grades every submission the moment it
arrives, in the batch grader's sandbox with the same checks (``autograder.judge.engine``),
stores every submission and result in a database (SQLAlchemy, Alembic migrations;
``store``), limits attempts per student and assignment (``bucket``), knows students by
token or as JupyterHub users (``identity``), and shows instructors the class
(``pages``). ``app`` puts them together; the student's side is
``autograder.frontends.submit``.
"""
