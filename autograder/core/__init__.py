"""What every stage shares: a check (``spec``), the course and its assignments
(``course``), comparators (``compare``), the wire format for plain data (``plain``),
results (``results``) and TensorFlow's quiet start (``quiet``)."""
