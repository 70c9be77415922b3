"""reportgen: official period reports (print PDF, editable DOCX) from YAML data and Markdown."""

__version__ = "0.1.0"
