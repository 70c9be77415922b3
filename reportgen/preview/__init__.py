"""reportgen preview: a local web server showing the report's real PDF pages while it is edited.

The preview layer, between the build and the CLI: ``session`` (a build that stays up:
the worker pool, the caches, the last good PDFs), ``pages`` (the PDF's pages as pictures,
which of them changed), ``watch`` (which files are inputs, waiting for a save) and
``server`` (the Starlette application and the rebuild thread). See docs/preview.md.
"""
