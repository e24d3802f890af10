"""Reports are rendered from the result into each format: the HTML page is not made by
reading the Markdown back, so what a student's code printed stays text in both."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from autograder.core.course import ASSIGNMENTS
from autograder.judge.engine import Grader
from autograder.report import reports

CONV = ASSIGNMENTS["01_conv_basics"]
PRINTED = "**not bold** `not code` | ![no](picture.png) <script>x</script>"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_what_a_submission_says_is_text_in_the_html_page_and_in_the_markdown():
    result = Grader(hidden=False).missing("ann", CONV)
    result = dataclasses.replace(result, notes=(PRINTED,), grader_error=PRINTED)
    page = _Text()
    page.feed(reports.feedback_html(result))
    assert "script" not in page.tags and "img" not in page.tags
    assert sum(PRINTED in t for t in page.text) == 2  # the note and the grader error, word for word
    assert reports.feedback_markdown(result).count(PRINTED) == 2


def test_both_formats_show_the_same_verdicts_and_headings():
    result = Grader(hidden=False).missing("ann", CONV)
    markdown, html = reports.feedback_markdown(result), reports.feedback_html(result)
    for function in CONV.functions:
        assert f"## `{function}`" in markdown
        assert f"<h2><code>{function.replace('_', '_<wbr>')}</code></h2>" in html
    checks = len(result.checks)
    assert markdown.count("- **FAILED** `test_") == checks
    assert html.count('<li><strong class="fail">FAILED</strong> <code>test_') == checks
