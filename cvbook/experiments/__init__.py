"""Chapter drivers: sweeps, training recipes and table builders that pages share or that are too
long to read on a page. One module or subpackage per chapter (``ch05_detection``, ``papers``).

Nothing in the library imports this package; it imports the library.
"""
__all__: list[str] = []
