"""The search query language: query text to a small AST, and back.

Bare words and ``"quoted phrases"`` must each match somewhere; field terms
narrow where (``ti:`` ``au:`` ``abs:`` ``note:``) or test something else
(``cat:`` ``id:`` ``tag:`` ``is:`` ``date:``); ``-`` or ``NOT`` negates a
term, ``OR`` joins alternatives, juxtaposition (or ``AND``) joins terms that
must all match, and AND binds tighter than OR; parentheses group. The grammar::

    query    = [ or_expr ] ;
    or_expr  = and_expr , { "OR" , and_expr } ;
    and_expr = unary , { [ "AND" ] , unary } ;
    unary    = ( "-" | "NOT" ) , unary | "(" , or_expr , ")" | term ;
    term     = word | phrase | field , ":" , ( word | phrase ) ;
    field    = "ti" | "title" | "au" | "author" | "abs" | "abstract" | "cat"
             | "category" | "id" | "tag" | "note" | "is" | "date" ;
    phrase   = '"' , { any character but '"' } , '"' ;
    word     = a run of non-space characters, not starting with '"', "(",
               ")" or "-", ending before a ")" that does not close a "("
               opened inside the word ;

``OR``, ``AND`` and ``NOT`` are operators only in capitals and standing alone
(``or`` is a word). ``(`` opens a group only at the start of a term, so
``f(x)`` is one word; ``-`` negates only directly before a term. Field names
are case-insensitive; a word whose prefix is no field (``arXiv:2107.09652``)
is a plain word. ``is:`` takes starred, unread, read, noted or tagged;
``date:`` takes ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or a range of them
with ``..`` and either end left open.

The parser is hand-written and linear: it runs on every keystroke. Anything
it cannot make sense of raises :class:`QueryError` with the offset of the
problem; it never returns a query that matches everything by accident.

Texts are folded like the papers' fields (:func:`tuireader.core.text.fold`),
repeated until stable so that :func:`to_text` can write every parsed text
back, and a phrase keeps its inner spaces, collapsed to one. Nothing is
simplified: duplicate terms stay, and ``--x`` is ``Not(Not(x))``. An
``id:`` value is lowercased, and an arXiv URL or an ``arXiv:`` prefix in it
is reduced to the ID. Phrases have no escapes: to write back a text holding
a '"' that needs quotes, :func:`to_text` uses the fullwidth quote U+FF02,
which folds to '"'.

The language lives in small modules, re-exported here as its one public
face: the nodes in :mod:`~tuireader.core.query_ast`, parsing in
:mod:`~tuireader.core.query_parser`, writing back in
:mod:`~tuireader.core.query_text` and tag names in :mod:`~tuireader.core.tags`.
"""

from __future__ import annotations

from tuireader.core.query_ast import IS_STATES as IS_STATES
from tuireader.core.query_ast import (
    And,
    Category,
    DateRange,
    IdPrefix,
    Is,
    IsState,
    Node,
    Not,
    Or,
    QueryError,
    Tag,
    Text,
    TextField,
    conjuncts,
    normalise,
    positive_texts,
)
from tuireader.core.query_parser import MAX_DEPTH, parse
from tuireader.core.query_text import to_text
from tuireader.core.tags import TAG_MAX_LENGTH as TAG_MAX_LENGTH
from tuireader.core.tags import TAG_PUNCTUATION as TAG_PUNCTUATION
from tuireader.core.tags import normalise_tag, valid_tag

__all__ = [
    "And",
    "Category",
    "DateRange",
    "IdPrefix",
    "Is",
    "IsState",
    "MAX_DEPTH",
    "Node",
    "Not",
    "Or",
    "QueryError",
    "Tag",
    "Text",
    "TextField",
    "conjuncts",
    "normalise",
    "normalise_tag",
    "parse",
    "positive_texts",
    "to_text",
    "valid_tag",
]
