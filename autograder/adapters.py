"""Adapters: turn answers that are not plain data (e.g. Keras models) into plain
data, beside the student code. A check names its adapter in ``Check.adapter``;
each adapter is called as ``adapter(student_object, *args, **kwargs)``."""
