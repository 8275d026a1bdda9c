"""The query grammar: query text to AST and back, every error with its
position, and property tests (never crashes, never hangs, round-trips)."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tuireader.core.query import (
    MAX_DEPTH,
    And,
    Category,
    DateRange,
    IdPrefix,
    Is,
    Node,
    Not,
    Or,
    QueryError,
    Tag,
    Text,
    conjuncts,
    normalise,
    normalise_tag,
    parse,
    positive_texts,
    to_text,
    valid_tag,
)
from tuireader.core.text import fold


def T(text: str, field: str = "any") -> Text:  # noqa: N802 - reads like the node
    return Text(text, field)  # type: ignore[arg-type]


def D(start: str | None, end: str | None) -> DateRange:  # noqa: N802
    return DateRange(
        None if start is None else date.fromisoformat(start),
        None if end is None else date.fromisoformat(end),
    )


A, B, C, X = T("a"), T("b"), T("c"), T("x")


# --- Valid queries ------------------------------------------------------------

BLANK = ["", " ", "   ", "\t\n", "\u00a0\u3000", "\r\n \x0b\x0c"]


@pytest.mark.parametrize("query", BLANK)
def test_blank_query_is_none(query: str) -> None:
    assert parse(query) is None
    assert conjuncts(parse(query)) == ()
    assert positive_texts(parse(query)) == []


WORDS_AND_PHRASES = [
    ("diffusion", T("diffusion")),
    ("Diffusion", T("diffusion")),
    ("DIFFUSION", T("diffusion")),
    ("diffusion models", And((T("diffusion"), T("models")))),
    ('"neural radiance"', T("neural radiance")),
    ('"Neural   Radiance"', T("neural radiance")),
    ('"  neural \t\n radiance  "', T("neural radiance")),
    ('"neural radiance" fields', And((T("neural radiance"), T("fields")))),
    ('"a"', A),
    ('"or"', T("or")),
    ('"OR"', T("or")),
    ('"a OR b"', T("a or b")),
    ('"(a)"', T("(a)")),
    ('"f(x"', T("f(x")),
    ('"ti:x"', T("ti:x")),
    ('"a:b c:d"', T("a:b c:d")),
    ('"-x"', T("-x")),
    ('"a"b', And((A, B))),
    ('"a""b"', And((A, B))),
    ('a"b', T('a"b')),
    ('a"b c"', And((T('a"b'), T('c"')))),
    ("a a", And((A, A))),  # duplicates are kept
    ("or", T("or")),
    ("and not", And((T("and"), T("not")))),
    ("a or b", And((A, T("or"), B))),
    ("a Or b", And((A, T("or"), B))),
    ("ORACLE", T("oracle")),
    ("NOTE", T("note")),
    ("ANDROID", T("android")),
    ("x-ray", T("x-ray")),
    ("a-", T("a-")),
    ("state-of-the-art", T("state-of-the-art")),
    ("3d", T("3d")),
    ("c++", T("c++")),
    ("α-stable", T("α-stable")),
    ("\x00", T("\x00")),
]

UNICODE = [
    ("Bökman", T("bokman")),
    ("BÖKMAN", T("bokman")),
    ("bokman", T("bokman")),
    ("au:Bökman", T("bokman", "authors")),
    ('ti:"Gödel, Escher"', T("godel, escher", "title")),
    ("Ångström", T("angstrom")),
    ("naïve café", And((T("naive"), T("cafe")))),
    ("Straße", T("straße")),
    ("ﬁne", T("fine")),  # ligature
    ("ＡＢＣ", T("abc")),  # fullwidth
    ("Σίσυφος", T("σισυφος")),
    ("日本語", T("日本語")),
    ("a\u00a0b", And((A, B))),  # no-break space separates words
    ('"a\u3000b"', T("a b")),
    ("e\u0301", T("e")),  # combining accent
    ("a¨b", T("a b")),  # folds to a space: one text, as a phrase would be
]

WHITESPACE = [
    ("  a  ", A),
    ("\ta\n", A),
    ("a\tb", And((A, B))),
    ("a\n\nb", And((A, B))),
    ("a  OR   b", Or((A, B))),
    ("a\tOR\nb", Or((A, B))),
    ("( a )", A),
    ("(a b )", And((A, B))),
    ("( a OR b)", Or((A, B))),
    (" -a ", Not(A)),
    ("ti:a\tau:b", And((T("a", "title"), T("b", "authors")))),
    ('ti:"  a  b "', T("a b", "title")),
    ('cat:" cs.LG "', Category("cs.LG")),
    ('date:" 2021 "', D("2021-01-01", "2021-12-31")),
    ('date:"2021 .. 2022"', D("2021-01-01", "2022-12-31")),
]

FIELDS = [
    ("ti:diffusion", T("diffusion", "title")),
    ("title:diffusion", T("diffusion", "title")),
    ("au:smith", T("smith", "authors")),
    ("author:smith", T("smith", "authors")),
    ("abs:diffusion", T("diffusion", "abstract")),
    ("abstract:diffusion", T("diffusion", "abstract")),
    ("note:later", T("later", "note")),
    ("cat:cs.LG", Category("cs.LG")),
    ("category:cs.LG", Category("cs.LG")),
    ("cat:cs", Category("cs")),
    ("cat:stat.ML", Category("stat.ML")),
    ('cat:"cs.LG"', Category("cs.LG")),
    ("id:2107.09652", IdPrefix("2107.09652")),
    ("id:2107", IdPrefix("2107")),
    ("id:2107.09652v2", IdPrefix("2107.09652v2")),
    ("id:2107.09652V2", IdPrefix("2107.09652v2")),
    ("id:hep-th/9901001", IdPrefix("hep-th/9901001")),
    ("id:arXiv:2107.09652", IdPrefix("2107.09652")),
    ("id:https://arxiv.org/abs/2107.09652v3", IdPrefix("2107.09652v3")),
    ("id:https://arxiv.org/pdf/2107.09652", IdPrefix("2107.09652")),
    ('id:"2107.09652"', IdPrefix("2107.09652")),
    ("tag:to-read", Tag("to-read")),
    ("tag:survey", Tag("survey")),
    ("tag:lab/nerf", Tag("lab/nerf")),
    ("tag:To-Read", Tag("to-read")),
    ("tag:v1.2+x_y", Tag("v1.2+x_y")),
    ('tag:"to-read"', Tag("to-read")),
    ("tag:Café", Tag("cafe")),
    ("is:starred", Is("starred")),
    ("is:unread", Is("unread")),
    ("is:read", Is("read")),
    ("is:noted", Is("noted")),
    ("is:tagged", Is("tagged")),
    ("is:READ", Is("read")),
    ('is:"read"', Is("read")),
    # Field names are case-insensitive.
    ("TI:x", T("x", "title")),
    ("Au:x", T("x", "authors")),
    ("IS:read", Is("read")),
    ("Date:2021", D("2021-01-01", "2021-12-31")),
    # Quoted values.
    ('ti:"neural radiance"', T("neural radiance", "title")),
    ('au:"van gool"', T("van gool", "authors")),
    ('abs:"score matching"', T("score matching", "abstract")),
    ('note:"read again"', T("read again", "note")),
    ('ti:"a (b) c:d"', T("a (b) c:d", "title")),
    ('ti:"x"y', And((T("x", "title"), T("y")))),
    # Values are everything up to a space.
    ("ti:au:x", T("au:x", "title")),
    ("ti:x:y", T("x:y", "title")),
    ("ti:-x", T("-x", "title")),
    ("ti:f(x)", T("f(x)", "title")),
    ('ti:a"b', T('a"b', "title")),
    ("ti:OR", T("or", "title")),
    ("au:smith OR au:jones", Or((T("smith", "authors"), T("jones", "authors")))),
]

UNKNOWN_PREFIXES = [
    ("arXiv:2107.09652", T("arxiv:2107.09652")),
    ("https://github.com/x", T("https://github.com/x")),
    ("ICCV:2021", T("iccv:2021")),
    ("foo:", T("foo:")),
    (":x", T(":x")),
    ("a:b:c", T("a:b:c")),
    ("titles:x", T("titles:x")),
    ("t:x", T("t:x")),
    ("ti-x:y", T("ti-x:y")),
    ("1ti:x", T("1ti:x")),
    ("tï:x", T("ti:x")),  # not ASCII, so no field (and to_text quotes it)
]

DATES = [
    ("date:2021-07-21", D("2021-07-21", "2021-07-21")),
    ("date:2021-07", D("2021-07-01", "2021-07-31")),
    ("date:2021-02", D("2021-02-01", "2021-02-28")),
    ("date:2024-02", D("2024-02-01", "2024-02-29")),
    ("date:2021-04", D("2021-04-01", "2021-04-30")),
    ("date:2021-12", D("2021-12-01", "2021-12-31")),
    ("date:2021", D("2021-01-01", "2021-12-31")),
    ("date:2024-02-29", D("2024-02-29", "2024-02-29")),  # leap day
    ("date:2000-02-29", D("2000-02-29", "2000-02-29")),
    ("date:2021-7-1", D("2021-07-01", "2021-07-01")),
    ("date:2021-07..2021-09", D("2021-07-01", "2021-09-30")),
    ("date:2021..2022", D("2021-01-01", "2022-12-31")),
    ("date:2021-07-21..2021-08", D("2021-07-21", "2021-08-31")),
    ("date:2021..2021", D("2021-01-01", "2021-12-31")),
    ("date:2021-07-21..2021-07-21", D("2021-07-21", "2021-07-21")),
    ("date:2021-06..", D("2021-06-01", None)),
    ("date:2021..", D("2021-01-01", None)),
    ("date:2021-06-15..", D("2021-06-15", None)),
    ("date:..2020", D(None, "2020-12-31")),
    ("date:..2020-02", D(None, "2020-02-29")),
    ("date:..2020-02-10", D(None, "2020-02-10")),
    ('date:"2021-07"', D("2021-07-01", "2021-07-31")),
    ("date:0001..9999", D("0001-01-01", "9999-12-31")),
]

NEGATION = [
    ("-survey", Not(T("survey"))),
    ('-"neural radiance"', Not(T("neural radiance"))),
    ("-ti:x", Not(T("x", "title"))),
    ("-au:smith", Not(T("smith", "authors"))),
    ("-abs:x", Not(T("x", "abstract"))),
    ("-note:x", Not(T("x", "note"))),
    ("-cat:cs.LG", Not(Category("cs.LG"))),
    ("-id:2107", Not(IdPrefix("2107"))),
    ("-tag:survey", Not(Tag("survey"))),
    ("-is:read", Not(Is("read"))),  # not rewritten to is:unread
    ("-is:starred", Not(Is("starred"))),
    ("-date:2021", Not(D("2021-01-01", "2021-12-31"))),
    ("-(a OR b)", Not(Or((A, B)))),
    ("-(a b)", Not(And((A, B)))),
    ("-(a)", Not(A)),
    ("--a", Not(Not(A))),  # kept: no simplification
    ("-(-a)", Not(Not(A))),
    ("NOT a", Not(A)),
    ("NOT NOT a", Not(Not(A))),
    ("NOT -a", Not(Not(A))),
    ("NOT (a OR b)", Not(Or((A, B)))),
    ("NOT is:read", Not(Is("read"))),
    ("a -b", And((A, Not(B)))),
    ("a NOT b", And((A, Not(B)))),
    ("a AND NOT b", And((A, Not(B)))),
    ("-a OR b", Or((Not(A), B))),
    ("-a b", And((Not(A), B))),
    ("a-b", T("a-b")),
    ("-OR", Not(T("or"))),  # after "-", always a term
    ("-NOT", Not(T("not"))),
    ("-a-b", Not(T("a-b"))),
    ("not a", And((T("not"), A))),
]

OPERATORS = [
    ("a OR b", Or((A, B))),
    ("cat:cs.LG OR cat:stat.ML", Or((Category("cs.LG"), Category("stat.ML")))),
    ("a b OR c", Or((And((A, B)), C))),
    ("a OR b c", Or((A, And((B, C))))),
    ("a AND b", And((A, B))),
    ("a AND b OR c", Or((And((A, B)), C))),
    ("a OR b AND c", Or((A, And((B, C))))),
    ("a AND b c", And((A, B, C))),
    ("a OR b OR c", Or((A, B, C))),
    ("a b OR c d", Or((And((A, B)), And((C, T("d")))))),
    ("a OR -b", Or((A, Not(B)))),
]

GROUPS = [
    ("(a)", A),
    ("((a))", A),
    ("(((a OR b)))", Or((A, B))),
    ("(a OR b) c", And((Or((A, B)), C))),
    ("c (a OR b)", And((C, Or((A, B))))),
    (
        "(cat:cs.LG OR cat:stat.ML) diffusion",
        And((Or((Category("cs.LG"), Category("stat.ML"))), T("diffusion"))),
    ),
    ("(a OR b) OR c", Or((A, B, C))),  # flattened
    ("a OR (b OR c)", Or((A, B, C))),
    ("(a b) c", And((A, B, C))),
    ("a (b c)", And((A, B, C))),
    ("(a b) (c d)", And((A, B, C, T("d")))),
    ("(a b) OR c", Or((And((A, B)), C))),
    ("a (b OR c) d", And((A, Or((B, C)), T("d")))),
    ("(a OR b) (c OR d)", And((Or((A, B)), Or((C, T("d")))))),
    ("(a (b OR (c d)))", And((A, Or((B, And((C, T("d")))))))),
    ("(a)b", And((A, B))),
    ("(a)(b)", And((A, B))),
    ('("a b")', T("a b")),
    ("(-a)", Not(A)),
    ("(a OR b) AND c", And((Or((A, B)), C))),
    # "(" only opens a group at the start of a term.
    ("f(x)", T("f(x)")),
    ("f(x) (y)", And((T("f(x)"), T("y")))),
    ("(f(x))", T("f(x)")),
    ("(f(x) OR g(y))", Or((T("f(x)"), T("g(y)")))),
    ("f(x", T("f(x")),
    ("(a f(x))", And((A, T("f(x)")))),
    ("a(b)c", T("a(b)c")),
    ("OR(x)", T("or(x)")),
    ("(OR(x))", T("or(x)")),
    ("(a OR b)c", And((Or((A, B)), C))),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    WORDS_AND_PHRASES
    + UNICODE
    + WHITESPACE
    + FIELDS
    + UNKNOWN_PREFIXES
    + DATES
    + NEGATION
    + OPERATORS
    + GROUPS,
)
def test_parse(query: str, expected: Node) -> None:
    node = parse(query)
    assert node == expected
    assert node is not None
    assert parse(to_text(node)) == node
    assert_normal(node)


# --- Errors -------------------------------------------------------------------

ERRORS = [
    # Dates.
    ("date:2021-13", 10, "month must be 01–12 in date:2021-13"),
    ("date:2021-00", 10, "month must be 01–12"),
    ("date:2021-13-01", 10, "month must be 01–12 in date:2021-13-01"),
    ("x date:2021-13", 12, "month must be 01–12"),
    ('date:"2021-13"', 11, 'month must be 01–12 in date:"2021-13"'),
    ("DATE:2021-13", 10, "in DATE:2021-13"),
    ("date:2021-02-30", 13, "day must be 01–28 in date:2021-02-30"),
    ("date:2023-02-29", 13, "day must be 01–28"),
    ("date:2024-02-30", 13, "day must be 01–29"),
    ("date:2021-04-31", 13, "day must be 01–30"),
    ("date:2021-01-00", 13, "day must be 01–31"),
    ("date:2021..2021-02-30", 19, "day must be 01–28"),
    ("date:0000", 5, "year must be 0001–9999"),
    ("date:2022..2021", 11, "range ends before it starts in date:2022..2021"),
    ("date:2021-07-02..2021-07-01", 17, "range ends before it starts"),
    ("date:2021-08..2021-07", 14, "range ends before it starts"),
    ("date:bogus", 5, "not a date in date:bogus"),
    ("date:bogus", 5, "YYYY-MM-DD"),
    ("date:21", 5, "not a date"),
    ("date:2021/07", 5, "not a date"),
    ("date:2021-07-21T00", 5, "not a date"),
    ("date:٢٠٢١", 5, "not a date"),  # ASCII digits only
    ("date:2021..bogus", 11, "not a date"),
    ("date:2021...2022", 11, "not a date"),
    ("date:2021..2022..2023", 11, "not a date"),
    ("date:..", 5, "a range needs a start or an end in date:.."),
    ('date:" .. "', 7, "a range needs a start or an end"),
    # is:
    ("is:bogus", 3, "unknown is:bogus"),
    ("is:bogus", 3, "is:starred, is:unread, is:read, is:noted or is:tagged"),
    ("a is:stared", 5, "unknown is:stared"),
    # Quotes.
    ('"deep lea', 0, 'unclosed quote: add a closing "'),
    ('a "b" "c', 6, "unclosed quote"),
    ('ti:"deep', 3, "unclosed quote"),
    ('-"x', 1, "unclosed quote"),
    ('""', 0, "empty phrase"),
    ('"   "', 0, "empty phrase"),
    ('a ""', 2, "empty phrase"),
    ('cat:-("', 4, 'a cat: value with " needs its parentheses closed'),
    ("\u0301", 0, "nothing to search for"),
    # Parentheses.
    ("(a", 0, "unclosed (: add a )"),
    ("a (b", 2, "unclosed ("),
    ("(a OR (b)", 0, "unclosed ("),
    ("((a)", 0, "unclosed ("),
    ("(a f(x)", 0, "unclosed ("),  # the word's ")" closes the word's "("
    ("a (", 2, "unclosed ("),
    ("-(", 1, "unclosed ("),
    ("a)", 1, "unmatched )"),
    (")", 0, "unmatched )"),
    (") a", 0, "unmatched )"),
    ("(a))", 3, "unmatched )"),
    ("a b)", 3, "unmatched )"),
    ("()", 0, "empty parentheses"),
    ("a ( )", 2, "empty parentheses"),
    ("-()", 1, "empty parentheses"),
    # OR, AND, NOT.
    ("OR", 0, "OR needs a term before it"),
    ("OR a", 0, "OR needs a term before it"),
    ("(OR a)", 1, "OR needs a term before it"),
    ("a OR", 2, "OR needs a term after it"),
    ("(a OR)", 3, "OR needs a term after it"),
    ("a OR OR b", 5, "a term is missing between OR and OR"),
    ("a OR AND b", 5, "a term is missing between OR and AND"),
    ("a AND OR b", 6, "a term is missing between AND and OR"),
    ("AND a", 0, "AND needs a term before it"),
    ("a AND", 2, "AND needs a term after it"),
    ("a AND AND b", 6, "between AND and AND"),
    ("NOT", 0, "NOT needs a term after it"),
    ("a NOT", 2, "NOT needs a term after it"),
    ("NOT OR a", 0, "NOT needs a term after it"),
    ("(NOT)", 1, "NOT needs a term after it"),
    ("NOT NOT", 4, "NOT needs a term after it"),
    ("-", 0, "- must be followed directly by a term"),
    ("a -", 2, "- must be followed directly by a term"),
    ("a - b", 2, "- must be followed directly by a term"),
    ("(a -)", 3, "- must be followed directly by a term"),
    ("--", 1, "- must be followed directly by a term"),
    # Fields with no value.
    ("au:", 0, "au: needs a value"),
    ("x au:", 2, "au: needs a value"),
    ("au: smith", 0, "au: needs a value"),
    ("(au:)", 1, "au: needs a value"),
    ('ti:""', 0, "ti: needs a value"),
    ('ti:"   "', 0, "ti: needs a value"),
    ("ti:\u0301", 0, "ti: needs a value"),
    ("TITLE:", 0, "TITLE: needs a value"),
    ("author:", 0, "author: needs a value"),
    ("abs:", 0, "abs: needs a value"),
    ("note:", 0, "note: needs a value"),
    ("cat:", 0, "cat: needs a value"),
    ('cat:" "', 0, "cat: needs a value"),
    ("id:", 0, "id: needs a value"),
    ("id:arXiv:", 0, "id: needs a value"),
    ("tag:", 0, "tag: needs a value"),
    ("is:", 0, "is: needs a value"),
    ("date:", 0, "date: needs a value"),
    ("-au:", 1, "au: needs a value"),
    # Field values are not groups.
    ("cat:(cs.LG OR stat.ML)", 4, "cannot take a group: write (cat:a OR cat:b)"),
    ("au:(a b)", 3, "au: cannot take a group"),
    # Tags.
    ("tag:bad!", 4, "tag name cannot contain '!' in tag:bad!"),
    ('tag:"to read"', 5, "tag name cannot contain ' '"),
    ("tag:-x", 4, "tag name must start with a letter or digit"),
    ("tag:_x", 4, "must start with a letter or digit"),
    ("tag:" + "a" * 41, 4, "tag name is longer than 40 characters"),
    ("tag:a:b", 4, "cannot contain ':'"),
    ("tag:a(b)", 4, "cannot contain '('"),
    # Nesting.
    ("(" * 10_000, MAX_DEPTH, "too deeply nested"),
    ("(" * 10_000 + "a" + ")" * 10_000, MAX_DEPTH, "too deeply nested"),
    ("-" * 10_000 + "a", MAX_DEPTH, "too deeply nested"),
    ("NOT " * 10_000 + "a", 4 * MAX_DEPTH, "too deeply nested"),
    ("-(" * 10_000 + "a", MAX_DEPTH, "too deeply nested"),
]


@pytest.mark.parametrize(("query", "position", "fragment"), ERRORS)
def test_error(query: str, position: int, fragment: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse(query)
    error = raised.value
    assert error.position == position
    assert fragment in error.message
    assert str(error) == error.message
    assert "\n" not in error.message
    assert isinstance(error, ValueError)


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_DEPTH
    assert parse("(" * depth + "a" + ")" * depth) == A
    assert parse("-(" * (depth // 2) + "a" + ")" * (depth // 2)) is not None


def test_query_error_pickles() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(QueryError(3, "unknown is:x")))
    assert (error.position, error.message) == (3, "unknown is:x")


def test_the_first_problem_from_the_left_is_reported() -> None:
    with pytest.raises(QueryError) as raised:
        parse('date:2021-13 "unclosed')
    assert raised.value.position == 10
    with pytest.raises(QueryError) as raised:
        parse('a) "unclosed')
    assert raised.value.position == 1


# --- Tags ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normalised"),
    [("To-Read", "to-read"), ("  survey ", "survey"), ("Café", "cafe"), ("LAB/NeRF", "lab/nerf")],
)
def test_normalise_tag(name: str, normalised: str) -> None:
    assert normalise_tag(name) == normalised
    assert valid_tag(normalised) is None


@pytest.mark.parametrize(
    "name", ["to-read", "survey", "lab/nerf", "a", "1", "v1.2", "c++", "a_b", "x" * 40, "日本"]
)
def test_valid_tags(name: str) -> None:
    assert valid_tag(name) is None
    assert parse("tag:" + name) == Tag(name)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "empty"),
        ("x" * 41, "longer than 40"),
        ("-x", "start with a letter or digit"),
        (".x", "start with a letter or digit"),
        ("to read", "cannot contain ' '"),
        ("a!", "cannot contain '!'"),
        ("a,b", "cannot contain ','"),
        ("To-Read", "lowercase"),
        ("café", "lowercase, without accents"),
    ],
)
def test_invalid_tags(name: str, fragment: str) -> None:
    problem = valid_tag(name)
    assert problem is not None and fragment in problem


# --- to_text, and the helpers for the evaluator --------------------------------


@pytest.mark.parametrize(
    ("node", "text"),
    [
        (T("a"), "a"),
        (T("a b"), '"a b"'),
        (T("-x"), '"-x"'),
        (T("(x"), '"(x"'),
        (T("x)"), '"x)"'),
        (T("f(x)"), "f(x)"),
        (T("f(x"), '"f(x"'),  # bare, it would swallow a group's ")" after it
        (T("ti:x"), '"ti:x"'),
        (T("arxiv:2107.09652"), "arxiv:2107.09652"),
        (T('a"b'), 'a"b'),
        (T('"a'), '"\uff02a"'),  # only a fullwidth quote folds back to '"'
        (T('a" b'), '"a\uff02 b"'),
        (T("a b", "title"), 'ti:"a b"'),
        (T("x", "authors"), "au:x"),
        (T("x", "abstract"), "abs:x"),
        (T("x", "note"), "note:x"),
        (T("-x", "title"), "ti:-x"),
        (Category("cs.LG"), "cat:cs.LG"),
        (Category("a b"), 'cat:"a b"'),
        (IdPrefix("2107.09652v2"), "id:2107.09652v2"),
        (Tag("to-read"), "tag:to-read"),
        (Is("unread"), "is:unread"),
        (D("2021-07-21", "2021-07-21"), "date:2021-07-21"),
        (D("2021-07-01", "2021-07-31"), "date:2021-07"),
        (D("2021-01-01", "2021-12-31"), "date:2021"),
        (D("2021-01-01", "2021-01-01"), "date:2021-01-01"),
        (D("2021-07-01", "2021-09-30"), "date:2021-07..2021-09"),
        (D("2021-01-01", "2021-07-15"), "date:2021..2021-07-15"),
        (D("2021-06-01", None), "date:2021-06.."),
        (D(None, "2020-12-31"), "date:..2020"),
        (Not(A), "-a"),
        (Not(Not(A)), "--a"),
        (Not(Or((A, B))), "-(a OR b)"),
        (Not(And((A, B))), "-(a b)"),
        (And((A, Or((B, C)))), "a (b OR c)"),
        (Or((And((A, B)), C)), "a b OR c"),
        (And((A, And((B, C)))), "a (b c)"),  # not normalised: still reads back
        (Or((A, Or((B, C)))), "a OR (b OR c)"),
    ],
)
def test_to_text(node: Node, text: str) -> None:
    assert to_text(node) == text
    assert parse(text) == normalise(node)


def test_to_text_refuses_a_value_no_query_can_hold() -> None:
    with pytest.raises(ValueError, match="no query text"):
        to_text(Category('a" b'))


def test_positive_texts() -> None:
    node = parse('a ti:b -c (d OR -(e f)) NOT g "h i" cat:x is:read --j')
    assert positive_texts(node) == [A, T("b", "title"), T("d"), T("h i")]
    assert positive_texts(None) == []
    assert positive_texts(X) == [X]
    assert positive_texts(Not(X)) == []


def test_conjuncts() -> None:
    assert conjuncts(None) == ()
    assert conjuncts(X) == (X,)
    assert conjuncts(parse("a b -c")) == (A, B, Not(C))
    assert conjuncts(parse("a OR b")) == (Or((A, B)),)
    assert conjuncts(parse("(a b) c")) == (A, B, C)


def test_nodes_are_frozen_and_hashable() -> None:
    node = parse("(a OR b) -c date:2021 tag:x")
    assert node is not None
    assert hash(node) == hash(parse("(a OR b) -c date:2021 tag:x"))
    assert len({node, parse("(a OR b) -c date:2021 tag:x")}) == 1
    with pytest.raises(AttributeError):
        A.text = "b"  # type: ignore[misc]


def test_normalise() -> None:
    nested = And((A, And((B, Or((C, Or((X, A))))))))
    assert normalise(nested) == And((A, B, Or((C, X, A))))
    assert normalise(Not(Not(A))) == Not(Not(A))
    assert normalise(Or((And((A, B)), C))) == Or((And((A, B)), C))


# --- Properties ---------------------------------------------------------------


def assert_normal(node: Node) -> None:
    """The invariants of every AST parse() returns."""
    if isinstance(node, Text):
        assert node.text and node.text == " ".join(node.text.split())
        assert fold(node.text) == node.text
    elif isinstance(node, Category | IdPrefix):
        assert node.value and node.value == node.value.strip()
    elif isinstance(node, Tag):
        assert valid_tag(node.name) is None
    elif isinstance(node, DateRange):
        assert node.start is not None or node.end is not None
        assert node.start is None or node.end is None or node.start <= node.end
    elif isinstance(node, Not):
        assert_normal(node.child)
    elif isinstance(node, And | Or):
        assert len(node.children) >= 2
        for child in node.children:
            assert type(child) is not type(node)
            assert_normal(child)


FRAGMENTS = [
    "(", ")", "-", ":", ".", '"', " ", "  ", "\t", " OR ", " AND ", "NOT ", "OR", "AND",
    "NOT", "or", "is:", "date:", "ti:", "au:", "abs:", "cat:", "id:", "tag:", "note:",
    "title:", "read", "starred", "2021", "-07", "-21", "..", "a", "b", "x-y", "f(x)",
    "ö", "É", "ﬁ", "\u0301", "\x00", "\x1f", "\u00a0", "\uff02", "＂", "日", "Σ", "ß",
    "arXiv:2107.09652", "https://a.b/c",
]  # fmt: skip

random_queries = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join).map(lambda s: s[:200]),
    st.text(
        alphabet=st.one_of(
            st.sampled_from('"()-:.: ORANDNOTisdateti0123456789'),
            st.characters(codec="utf-8"),
        ),
        max_size=200,
    ),
)


@settings(max_examples=1500, deadline=None)
@given(random_queries)
def test_any_text_parses_or_raises_query_error(query: str) -> None:
    try:
        node = parse(query)
    except QueryError as error:
        assert 0 <= error.position < len(query)
        assert error.message and "\n" not in error.message
        return
    # Never silently everything: only a blank query gives None.
    assert (node is None) == (query.strip() == "")
    if node is not None:
        assert_normal(node)
        assert parse(to_text(node)) == node


# Terms that parse, to build valid queries from.
VALID_TERMS = [
    "a", "b", "x-y", "f(x)", "Bökman", "ORACLE", "or", "arXiv:2107.09652", '"a b"',
    '"(x) OR y:z"', "ti:x", 'au:"van gool"', "abs:y", "note:z", "cat:cs.LG", "id:2107",
    "tag:to-read", "is:read", "is:starred", "date:2021-07", "date:..2020", "date:2021-06..",
    "date:2021-07-01..2021-09-15", "-a", "--b", "NOT c", "-is:read", "-(a OR b)", "(a b)",
    "ﬁ", "a¨b", "＂x", "－x", "𝐎𝐑",
]  # fmt: skip


@st.composite
def valid_queries(draw: st.DrawFn, depth: int = 0) -> str:
    count = draw(st.integers(1, 4))
    parts = []
    for i in range(count):
        if depth < 3 and draw(st.booleans()) and draw(st.booleans()):
            term = "(" + draw(valid_queries(depth + 1)) + ")"
        else:
            term = draw(st.sampled_from(VALID_TERMS))
        if draw(st.integers(0, 4)) == 0:
            term = "-" + term
        if i:
            parts.append(draw(st.sampled_from([" ", "  ", "\t", " OR ", " AND ", "\n OR "])))
        parts.append(term)
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(valid_queries())
def test_to_text_of_a_valid_query_parses_to_the_same_ast(query: str) -> None:
    node = parse(query)
    assert node is not None
    assert_normal(node)
    text = to_text(node)
    again = parse(text)
    assert again == node
    assert to_text(again) == text  # canonical: a fixed point


def folded_text(text: str) -> str:
    for _ in range(4):
        text = fold(text)
    return " ".join(text.split())


texts = st.text(min_size=1, max_size=12).map(folded_text).filter(lambda t: bool(t) and fold(t) == t)
literal_values = (
    st.text(alphabet=string.ascii_letters + string.digits + ' .-_/:()"é', min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda v: bool(v) and not (v.startswith(('"', "(")) and '"' in v))
    .filter(lambda v: '"' not in v or (" " not in v and "(" not in v and ")" not in v))
)
id_values = literal_values.map(str.lower).filter(
    lambda v: not v.startswith("arxiv:") and "arxiv.org/" not in v
)
tag_names = st.text(alphabet="abz09é-_/.+", min_size=1, max_size=40).filter(
    lambda name: valid_tag(name) is None
)
days = st.dates(date(1, 1, 1), date(9999, 12, 31))


@st.composite
def date_ranges(draw: st.DrawFn) -> DateRange:
    start, end = sorted([draw(days), draw(days)])
    kind = draw(st.sampled_from(["both", "start", "end"]))
    return DateRange(start if kind != "end" else None, end if kind != "start" else None)


leaves = st.one_of(
    st.builds(Text, texts, st.sampled_from(["any", "title", "authors", "abstract", "note"])),
    st.builds(Category, literal_values),
    st.builds(IdPrefix, id_values),
    st.builds(Tag, tag_names),
    st.builds(Is, st.sampled_from(["starred", "unread", "read", "noted", "tagged"])),
    date_ranges(),
)
nodes = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(Not, children),
        st.builds(And, st.lists(children, min_size=2, max_size=4).map(tuple)),
        st.builds(Or, st.lists(children, min_size=2, max_size=4).map(tuple)),
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nodes)
def test_generated_asts_round_trip(node: Node) -> None:
    assert parse(to_text(node)) == normalise(node)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VALID_TERMS), min_size=1, max_size=6))
def test_whitespace_between_terms_does_not_matter(terms: list[str]) -> None:
    spaced = parse(" \t ".join(terms) + "\n")
    assume(spaced is not None)
    assert spaced == parse(" ".join(terms))
