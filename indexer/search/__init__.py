"""Search: queries over one opened version of the index, for the web and the ``index`` command.

Along a request: ``request`` checks and bounds its parameters → ``rewrite`` corrects what was
typed (``layout``, ``spelling`` over the index's ``vocabulary``), adds other names from
``indexer.aliases`` and expands ``word*``, with ``query`` parsing the query language into a tree
→ ``tiers`` splits it into clauses (``function_words`` optional), which ``matching`` evaluates
over a ``view`` (the index version's arrays; ``postings`` read from the segments;
``facet_arrays``) as masks and scores (``scoring``: BM25F; ``phrases``), and ranks full
matches, then partial ones, ``proximity`` re-ranking the best (``windows``; sentences from the
view's sentence maps), ``ordering`` sorting what the pages up to the one asked for show →
``results`` builds the page's hits (``snippets``, ``occurrences``) → ``facets`` counts the
result set. ``execute``
runs one search; ``searcher`` is the process-wide entry point that follows the live index
(``versions``). Knows nothing of Flask.
"""

from indexer.search.errors import BadRequest, IndexUnavailable
from indexer.search.request import (
    FACET_SIZE,
    SearchRequest,
    bounded_query,
    normalise_date,
    parse_request,
    request_params,
)
from indexer.search.results import Hit, SearchResult
from indexer.search.searcher import Searcher

__all__ = [
    "FACET_SIZE", "BadRequest", "Hit", "IndexUnavailable", "SearchRequest", "SearchResult",
    "Searcher", "bounded_query", "normalise_date", "parse_request", "request_params",
]
