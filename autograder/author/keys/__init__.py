"""Answer keys, one module per assignment: every function that computes a student
function's answer or a close variant of it (the Keras references, the simulated
mistakes, 'same' padding and window geometry, the seed network, an exact kernel
solver). Checks name them with ``autograder.author.public.answers.answer``; they run only in a
trusted process of the instructor's copy. The student copy leaves this package out
and carries the public checks' results frozen instead."""
