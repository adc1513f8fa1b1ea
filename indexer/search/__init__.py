"""Search: queries over one opened version of the index, for the web and the ``index`` command.

Along a request: ``request`` checks and bounds its parameters → ``query`` parses the query
language into a tree → ``matching`` evaluates it over a ``view`` (the index version's arrays;
``postings`` read from the segments; ``facet_arrays``) as masks and scores (``scoring``: BM25F;
``phrases``) → ``proximity`` re-ranks the best (``windows``) → ``results`` builds the page's
hits (``snippets``, ``occurrences``) → ``facets`` counts the result set → ``suggest`` corrects
unknown words. ``execute`` runs one search; ``searcher`` is the process-wide entry point that
follows the live index (``versions``). Knows nothing of Flask.
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
