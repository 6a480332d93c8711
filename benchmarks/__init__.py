"""Benchmarks of molviz's vocoder sampler and loss (issue 5): ``python -m benchmarks [--quick]``.

``baseline.py`` is a straightforward transcription of r9y9/wavenet_vocoder's algorithm, the
reference point; ``run.py`` times it against molviz and writes a table, a JSON file and a plot.
"""
