"""Search of the knowledge base (a selector: reads only). The query is analysed in Python
(knowledge/analysis.py) exactly as the articles were; the database matches and ranks the terms:

- PostgreSQL: `document @@ to_tsquery('simple', …)`, ranked with ts_rank, snippets from the
  original text with ts_headline (prefix matches of the query's stems);
- SQLite: the FTS5 table, ranked with bm25; snippets from the original text in Python.

Only revisions the searching office may read are considered: all of its own, the published and
archived ones of articles other offices share. One hit per article, its best revision."""

import re
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from schalter.knowledge import analysis
from schalter.offices.models import Office

LIMIT = 20
# Headline markers that cannot occur in sanitised text; replaced by <mark> after escaping.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
# A query matching more revisions than this ranks only the first this many the index yields
# (PostgreSQL): ranking every match of a word in nearly every article costs more than a search
# may take, and such a query is refined with a second word or a filter anyway.
RANKED_AT_MOST = 1000


@dataclass(frozen=True)
class Filters:
    law: str = ""  # as in legal.KNOWN_LAWS, e.g. "AufenthG"
    service_id: int | None = None
    office_id: int | None = None
    on: date | None = None  # only revisions in force on this day
    state: str = ""


@dataclass(frozen=True)
class Hit:
    revision_id: int
    article_id: int
    office_id: int
    title: str
    rank: float
    snippet: SafeString


def _where(office: Office, filters: Filters) -> tuple[str, list[object]]:
    """The conditions on `e` (the search entry: access and office on the same row as the terms)
    and `r` (the revision, joined only when a filter needs it: see `needs_revision`)."""
    clauses = ["(e.office_id = %s OR e.shared)"]
    params: list[object] = [office.pk]
    if filters.state:
        clauses.append("r.state = %s")
        params.append(filters.state)
    if filters.office_id:
        clauses.append("e.office_id = %s")
        params.append(filters.office_id)
    if filters.service_id:
        clauses.append(
            "EXISTS (SELECT 1 FROM knowledge_article_services s "
            "WHERE s.article_id = e.article_id AND s.service_id = %s)"
        )
        params.append(filters.service_id)
    if filters.on:
        clauses.append(
            "r.effective_from <= %s AND (r.effective_until IS NULL OR r.effective_until > %s)"
        )
        params += [filters.on, filters.on]
    if filters.law:
        if connection.vendor == "postgresql":
            clauses.append(
                "r.legal_references @> jsonb_build_array(jsonb_build_object('law', %s::text))"
            )
        else:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(r.legal_references) j "
                "WHERE json_extract(j.value, '$.law') = %s)"
            )
        params.append(filters.law)
    return " AND ".join(clauses), params


def postgresql_sql(where: str) -> str:
    """The ranked query with snippets, as one statement (the bench runs it raw, too). The index
    yields the matches, filtered for access on the same row; they are ranked, each article keeps
    its best revision, and only the page's rows are read in full for their headlines."""
    # `where` is built from fixed clauses; every value is a parameter.
    revisions = "JOIN knowledge_revision r ON r.id = e.revision_id" if "r." in where else ""
    return f"""
        WITH q AS (SELECT to_tsquery('simple', %s) AS query, to_tsquery('simple', %s) AS words),
        matching AS (
            SELECT e.revision_id, e.article_id, ts_rank(e.document, q.query) AS rank
            FROM knowledge_searchentry e {revisions} CROSS JOIN q
            WHERE e.document @@ q.query AND {where}
            LIMIT {RANKED_AT_MOST}
        ),
        best AS (
            SELECT DISTINCT ON (article_id) revision_id, article_id, rank
            FROM matching ORDER BY article_id, rank DESC, revision_id DESC
        ),
        top AS (SELECT * FROM best ORDER BY rank DESC, article_id DESC LIMIT %s)
        SELECT r.id, r.article_id, a.office_id, r.title, top.rank,
               ts_headline('simple', r.title || ' — ' || r.body, q.words,
                           'StartSel=' || chr(2) || ', StopSel=' || chr(3) ||
                           ', MaxWords={SNIPPET_WORDS}, MinWords=12, MaxFragments=2')
        FROM top
        JOIN knowledge_revision r ON r.id = top.revision_id
        JOIN knowledge_article a ON a.id = r.article_id
        CROSS JOIN q
        ORDER BY top.rank DESC, top.article_id DESC
    """  # noqa: S608


def sqlite_sql(where: str) -> str:
    # `where` is built from fixed clauses; every value is a parameter.
    return f"""
        SELECT r.id, r.article_id, e.office_id, r.title, bm25(knowledge_search_fts) AS rank, r.body
        FROM knowledge_search_fts
        JOIN knowledge_searchentry e ON e.revision_id = knowledge_search_fts.rowid
        JOIN knowledge_revision r ON r.id = e.revision_id
        WHERE knowledge_search_fts MATCH %s AND {where}
        ORDER BY rank, r.number DESC
        LIMIT %s
    """  # noqa: S608


def _marked(headline: str) -> SafeString:
    return mark_safe(  # noqa: S308 - escaped first; only our markers become <mark>
        escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
    )


_WORD = re.compile(r"[^\W_]+")


def python_snippet(text: str, query: analysis.Query) -> SafeString:
    """A window of the original text around the first matching word, matches marked."""
    wanted = set(query.terms)
    words = list(_WORD.finditer(text))
    hits = [
        index for index, match in enumerate(words) if set(analysis.terms(match.group(0))) & wanted
    ]
    if not words:
        return mark_safe("")
    first = max(0, (hits[0] if hits else 0) - 8)
    window = words[first : first + SNIPPET_WORDS]
    start, end = window[0].start(), window[-1].end()
    pieces, cursor = [], start
    for index, match in enumerate(window, start=first):
        pieces.append(escape(text[cursor : match.start()]))
        word = escape(match.group(0))
        pieces.append(f"<mark>{word}</mark>" if index in hits else word)
        cursor = match.end()
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 - every piece escaped


def search(
    office: Office, text: str, filters: Filters | None = None, limit: int = LIMIT
) -> list[Hit]:
    filters = filters or Filters()
    query = analysis.query(text)
    if not query:
        return []
    where, params = _where(office, filters)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                postgresql_sql(where), [query.tsquery(), query.prefix_tsquery(), *params, limit]
            )
            return [
                Hit(pk, article, office_id, title, float(rank), _marked(headline or ""))
                for pk, article, office_id, title, rank, headline in cursor.fetchall()
            ]
        # Several revisions of one article may match: ask for more, keep each article's best.
        cursor.execute(sqlite_sql(where), [query.fts5(), *params, limit * 5])
        hits: dict[int, Hit] = {}
        for pk, article, office_id, title, rank, body in cursor.fetchall():
            if article not in hits:
                hits[article] = Hit(
                    pk,
                    article,
                    office_id,
                    title,
                    -float(rank),
                    python_snippet(f"{title} — {body}", query),
                )
            if len(hits) == limit:
                break
        return list(hits.values())
