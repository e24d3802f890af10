"""Release and distribution: the student copy (``student_copy``, proven free of answers
by ``leaks``), the Gradescope bundle and its run (``gradescope``), synthetic classes
(``synth``) and the benchmark (``bench``). Instructor only."""
