"""cvbook's speed benchmarks: ratios against the library op, the training loop's overhead, the scene
renderer's throughput and the book's execution time per chapter.

Not tests: nothing here asserts a time. ``python -m benchmarks [--out benchmarks/RESULTS.md]`` runs
every case and writes one markdown table with the machine it ran on. See benchmarks/README.md.
"""
