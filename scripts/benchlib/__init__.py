"""Helpers of ``scripts/bench`` (the benchmark harness); never imported by the package.

- :mod:`benchlib.corpora`: the benchmark corpora (a sample, the base corpus, ten shuffled copies)
  and the query sets.
- :mod:`benchlib.measure`: child processes timed from spawn to exit with their peak memory.
- :mod:`benchlib.baseline`: the plain-Whoosh baseline (stock writer, BM25F, MultifieldParser).
- :mod:`benchlib.workers`: what runs inside those child processes (query latency, baseline
  indexing and cold start), as ``bench.py _worker …``.
- :mod:`benchlib.report`: the results table, the docs/benchmarks.md section and the plot.
- :mod:`benchlib.machine`: the machine description printed with the figures.
"""
