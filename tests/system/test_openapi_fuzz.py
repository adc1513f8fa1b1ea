"""Schemathesis against ``/api/openapi.json``: generated requests to every API operation.

No server error, and every response (2xx and the 4xx errors alike) conforms to the schema the
document declares for it. Needs ``schemathesis`` (a test extra); skipped without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.specs.openapi.checks import (  # noqa: E402
    negative_data_rejection,
    positive_data_acceptance,
)

from indexer.search import Searcher  # noqa: E402
from web import create_app  # noqa: E402

# The app opens its index lazily, on the first search: loading the OpenAPI document needs none,
# so the schema is loaded at import (schemathesis' fixture-based loader does not work with
# pytest 9) and the fixture below points the app at the session's index.
app = create_app({"INDEX": "/nonexistent/index"})
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture(autouse=True, scope="module")
def _serve_the_test_index(built_index: Path) -> None:
    app.extensions["muragat.searcher"] = Searcher(built_index)


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_openapi_document(case) -> None:
    # Not checked, as the document is looser and stricter than the API by design:
    # "every schema-valid request gets a 2xx" (the date pattern \d{4}(-\d{2}(-\d{2})?)? admits
    # 0000, 2020-13 and 2020-02-30, answered 400) and "every schema-violating request gets a
    # 4xx" (an empty from=, to=, page=, size= is taken as absent, as the HTML form sends it).
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
