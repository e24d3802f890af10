"""Reporting: results.json, feedback pages and the class summary (``reports``), and the
plain-text reports of a terminal or a notebook cell (``report_text``)."""
