"""Release and distribution: the student copy (``student_copy``, proven free of answers
by ``leaks``), the Gradescope bundle (``gradescope``) and the message catalogues
(``messages``). Instructor only."""
