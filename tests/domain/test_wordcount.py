"""Word counts on samples whose Microsoft Word count is known."""

import pytest

from crmbid_desktop.domain.wordcount import COUNTING_RULE, count_words, plain_text


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("", 0),
        ("The quick brown fox.", 4),
        ("**Bold** and _italic_ and <u>underlined</u> text", 6),
        ("An e-mail and/or a letter", 5),
        ("Budget of £12,000.00 in 2005/06", 5),
        ("Newham – the lead authority", 5),  # Word counts a spaced dash
        ("Tea & cakes", 3),
        ("See [the ODPM site](http://www.odpm.gov.uk/a/very/long/url) today", 5),
        ("- one item\n- two items\n  - nested three", 6),  # bullets not counted
        ("1. first\n2. second\n10. tenth", 3),  # list numbers not counted
        ("10\u00a0km away", 2),  # non-breaking space joins
        ("Line one  \nline two", 4),
        ("# Heading\n\nBody text", 3),
        ("<b>bold</b> kept", 2),  # other HTML is literal text
        ("中文 text", 3),
    ],
)
def test_known_samples(markdown: str, expected: int) -> None:
    assert count_words(markdown, include_tables=True) == expected


def test_tables_counted_only_on_request() -> None:
    md = "Intro words here.\n\n| Council | Role |\n|---|---|\n| Leeds City | lead |\n"
    assert count_words(md, include_tables=False) == 3
    assert count_words(md, include_tables=True) == 3 + 2 + 3


def test_plain_text_strips_markup() -> None:
    md = "**A** [link](http://x.example) <u>u</u>\n\n| a | b |\n|---|---|\n| c | d |\n"
    assert plain_text(md) == "A link u\na\tb\nc\td"


def test_rule_is_a_sentence() -> None:
    assert COUNTING_RULE.startswith("Words") and COUNTING_RULE.endswith(".")


@pytest.mark.parametrize(
    "text",
    [
        "Plain words, with e-mail and 2005/06 figures.\n\nA second paragraph\nwith a soft break.",
        "    indented like code\n\nthen text",
        "Tabs\tbetween\twords  and  double spaces",
        "中文 and 日本語 mixed with words",
    ],
)
def test_text_without_markup_is_counted_without_a_parse(text: str) -> None:
    from crmbid_desktop.domain import wordcount

    assert wordcount._MARKUP.search(text) is None
    assert count_words(text, include_tables=True) == wordcount.count_text_words(plain_text(text))


def test_plain_text_fast_path_agrees_with_the_parse() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from crmbid_desktop.domain import wordcount

    alphabet = st.sampled_from(list("ab1.)- \n\t=+#>~*_[]<&|\\`中\u00a0"))

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet, max_size=40))
    def agree(text: str) -> None:
        parsed = sum(wordcount.count_text_words(b.text) for b in wordcount._blocks(text))
        assert count_words(text, include_tables=True) == parsed

    agree()
