"""Papers as JSON (for jq), Markdown (a reading list), BibTeX (for LaTeX),
CSV (for spreadsheets) and RIS (for Zotero, Mendeley and EndNote).

Every format carries the user's marks: stars, notes, tags and (JSON, CSV)
read state. Titles and abstracts are readable text (their LaTeX converted),
and JSON also keeps the source as ``title_latex`` and ``abstract_latex`` when
it differs; BibTeX keeps the source, since it is LaTeX. BibTeX puts the
user's note in ``note``, the arXiv comment in ``annote`` and the tags in
``keywords``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Set
from typing import Any

from tuireader.core.annotations import Annotation
from tuireader.core.latex import readable
from tuireader.core.model import PAPER_FIELDS, Paper
from tuireader.core.text import balanced

Annotations = Mapping[str, Annotation]


def paper_record(
    paper: Paper, annotation: Annotation | None = None, read: bool = False
) -> dict[str, object]:
    """One paper as a JSON-ready dict: every field of :data:`PAPER_FIELDS` by
    name (``None`` where the digest did not say), its URLs and the user's marks."""
    annotation = annotation or Annotation()
    record = {
        field.name: _json_value(field.name, getattr(paper, field.name)) for field in PAPER_FIELDS
    }
    for name in ("title", "abstract"):
        source = getattr(paper, name)
        shown = readable(source)
        if shown != source:
            record[name], record[f"{name}_latex"] = shown, source
    record.update(
        pdf_url=paper.pdf_url,
        abs_url=paper.abs_url,
        starred=annotation.starred,
        read=read,
        tags=sorted(annotation.tags),
        note=annotation.note,
    )
    return record


def _json_value(name: str, value: Any) -> object:
    if name == "extra":
        return dict(value)
    if name == "dates":
        return [day.isoformat() for day in sorted(value)]
    if isinstance(value, tuple):
        return list(value)
    return value if value != "" else None


def to_json(
    papers: Iterable[Paper], annotations: Annotations | None = None, read: Set[str] = frozenset()
) -> str:
    annotations = annotations or {}
    records = [paper_record(p, annotations.get(p.id), p.id in read) for p in papers]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def to_markdown(
    papers: Iterable[Paper], annotations: Annotations | None = None, read: Set[str] = frozenset()
) -> str:
    """A reading list: title linked to the abstract page, authors, dates, tags, note."""
    annotations = annotations or {}
    blocks = ["# Reading list\n"]
    for paper in papers:
        annotation = annotations.get(paper.id) or Annotation()
        star = "★ " if annotation.starred else ""
        title = _markdown_escape(readable(paper.title))
        lines = [f"## {star}[{title}]({paper.abs_url})", ""]
        details = [
            f"arXiv:{paper.versioned_id}",
            ", ".join(category for category in paper.categories),
            ", ".join(day.isoformat() for day in sorted(paper.dates)),
        ]
        if paper.authors:
            lines.append(f"*{_markdown_escape(', '.join(paper.authors))}*  ")
        lines.append(" · ".join(part for part in details if part) + f" · [PDF]({paper.pdf_url})")
        if annotation.tags:
            lines.append("Tags: " + " ".join(f"`{tag}`" for tag in sorted(annotation.tags)))
        if paper.abstract:
            abstract = readable(paper.abstract).split("\n")
            lines += ["", *(f"> {p}" if p else ">" for p in abstract)]
        if annotation.note:
            lines += ["", "**Note:**", "", annotation.note]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def to_bibtex(
    papers: Iterable[Paper], annotations: Annotations | None = None, read: Set[str] = frozenset()
) -> str:
    """``@misc`` entries keyed ``arXiv:ID``: unique, and stable across versions."""
    annotations = annotations or {}
    entries = []
    for paper in papers:
        annotation = annotations.get(paper.id) or Annotation()
        fields = [
            ("title", "{" + _latex_escape(paper.title) + "}"),
            ("author", " and ".join(_latex_escape(a) for a in paper.authors)),
            ("year", _year(paper)),
            ("eprint", paper.id),
            ("archivePrefix", "arXiv"),
            ("primaryClass", paper.primary_category or next(iter(paper.categories), "")),
            ("doi", _without_stray_braces(paper.doi or "")),
            ("url", paper.abs_url),
            ("journal", _latex_escape(paper.journal or "")),
            ("keywords", ", ".join(sorted(annotation.tags))),
            ("note", _latex_escape(" ".join((annotation.note or "").split()))),
            ("annote", _latex_escape(paper.comment or "")),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
        entries.append(f"@misc{{arXiv:{paper.id},\n{body}\n}}\n")
    return "\n".join(entries)


#: The columns of the CSV export, in order.
CSV_COLUMNS = (
    "id",
    "version",
    "title",
    "authors",
    "dates",
    "categories",
    "primary_category",
    "doi",
    "journal",
    "comment",
    "abs_url",
    "pdf_url",
    "starred",
    "read",
    "tags",
    "note",
    "abstract",
)


def to_csv(
    papers: Iterable[Paper], annotations: Annotations | None = None, read: Set[str] = frozenset()
) -> str:
    """One row per paper; lists joined with "; " (spreadsheets have no lists)."""
    annotations = annotations or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        record = paper_record(paper, annotations.get(paper.id), paper.id in read)
        writer.writerow([_csv_value(record[column]) for column in CSV_COLUMNS])
    return out.getvalue()


def _csv_value(value: object) -> object:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def to_ris(
    papers: Iterable[Paper], annotations: Annotations | None = None, read: Set[str] = frozenset()
) -> str:
    """RIS records (type UNPB, an unpublished work: a preprint), one tag per line."""
    annotations = annotations or {}
    records = []
    for paper in papers:
        annotation = annotations.get(paper.id) or Annotation()
        lines = [("TY", "UNPB"), ("ID", f"arXiv:{paper.id}"), ("TI", readable(paper.title))]
        lines += [("AU", author) for author in paper.authors]
        lines += [
            ("PY", _year(paper)),
            ("DA", min(paper.dates).isoformat() if paper.dates else ""),
            ("AB", readable(paper.abstract)),
            ("DO", paper.doi or ""),
            ("JO", paper.journal or ""),
            ("UR", paper.abs_url),
            ("L1", paper.pdf_url),
            ("N1", annotation.note or ""),
            ("M1", paper.comment or ""),
            ("DB", "arXiv"),
        ]
        lines += [("KW", tag) for tag in sorted(annotation.tags)]
        body = "".join(f"{key}  - {' '.join(value.split())}\n" for key, value in lines if value)
        records.append(body + "ER  - \n")
    return "\n".join(records)


Exporter = Callable[[Iterable[Paper], Annotations | None, Set[str]], str]
FORMATS: dict[str, Exporter] = {
    "json": to_json,
    "markdown": to_markdown,
    "bibtex": to_bibtex,
    "csv": to_csv,
    "ris": to_ris,
}
#: The usual file name ending of each format.
SUFFIXES = {"json": ".json", "markdown": ".md", "bibtex": ".bib", "csv": ".csv", "ris": ".ris"}


def _year(paper: Paper) -> str:
    if paper.published and paper.published[:4].isdigit():
        return paper.published[:4]
    return str(min(paper.dates).year) if paper.dates else ""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


_LATEX_ALWAYS = {"&": r"\&", "%": r"\%", "#": r"\#"}
_LATEX_OUTSIDE_MATH = {"_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def _latex_escape(text: str) -> str:
    """Escape what breaks LaTeX, but keep the ``$math$`` and commands that
    arXiv titles are written in. Unbalanced braces would break BibTeX's own
    parser, so then every brace is written as a brace command."""
    if not _braces_balanced(text):
        text = re.sub(r"\\?([{}])", _brace_command, text)
    if (len(text) - len(text.rstrip("\\"))) % 2:  # a final lone \ would eat the brace after
        text = text[:-1] + r"\textbackslash{}"
    # An odd number of $ is no formula: every $ is then a literal dollar, and
    # _ ^ ~ are escaped everywhere.
    math_allowed = len(re.findall(r"(?<!\\)\$", text)) % 2 == 0
    out = []
    in_math = False
    previous = ""
    for char in text:
        if char == "$" and previous != "\\":
            in_math = math_allowed and not in_math
            out.append(char if math_allowed else r"\$")
        elif char in _LATEX_ALWAYS and previous != "\\":
            out.append(_LATEX_ALWAYS[char])
        elif char in _LATEX_OUTSIDE_MATH and not in_math and previous != "\\":
            out.append(_LATEX_OUTSIDE_MATH[char])
        else:
            out.append(char)
        # "\\" is an escaped backslash: it escapes nothing after it.
        previous = "" if previous == "\\" and char == "\\" else char
    return "".join(out)


def _brace_command(match: re.Match[str]) -> str:
    return r"\textbraceleft{}" if match.group(1) == "{" else r"\textbraceright{}"


def _without_stray_braces(text: str) -> str:
    """A verbatim field (DOI) cannot escape anything: drop unbalanced braces."""
    return text if _braces_balanced(text) else re.sub(r"[{}]", "", text)


def _braces_balanced(text: str) -> bool:
    """Balanced as BibTeX counts: every brace, backslash before it or not."""
    return balanced(text, "{", "}")
