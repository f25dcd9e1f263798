"""The session's OpenSearch cluster: 3 real nodes (cluster/local_cluster.py) for the tests marked `cluster`.

Started once, on first use, in a temporary directory; stopped at the end of the session. The launcher must
be built (`make cluster-deps`; `make test-cluster` does it): without it the fixture fails with that hint.
"""
from __future__ import annotations

import pytest

CLUSTER_NODES = 3


@pytest.fixture(scope="session")
def opensearch_cluster(tmp_path_factory):
    # imported here so that the default run, which never starts a cluster, does not import the client
    from cluster.local_cluster import LocalCluster

    cluster = LocalCluster(nodes=CLUSTER_NODES, base_dir=tmp_path_factory.mktemp("opensearch-cluster"),
                           heap="512m", cluster_name="arabic-search-test")
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
