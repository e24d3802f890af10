"""Authoring: the checks of each assignment. ``public`` declares the public checks
(they ship to students, with their references frozen); ``hidden`` the hidden ones,
``keys`` the answer keys (references, simulated mistakes) and ``references`` the Keras
layers built with given weights. Only ``public`` and ``answers`` ship."""
