"""Suite-wide test settings: hypothesis runs derandomized under CI so a green run is reproducible, and every
pytest process gets its own temporary directory (Whoosh's RamStorage writers keep their pool files in
`<tempdir>/MAIN.tmp`, so two test runs at once would otherwise delete each other's files)."""
import os
import tempfile

import pytest
from hypothesis import settings

from cluster_fixture import opensearch_cluster  # noqa: F401  (the session's OpenSearch cluster, for -m cluster)

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def _private_tempdir(tmp_path_factory):
    previous = tempfile.tempdir
    tempfile.tempdir = str(tmp_path_factory.mktemp("tempdir"))
    yield
    tempfile.tempdir = previous
