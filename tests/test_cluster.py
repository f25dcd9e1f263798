"""A real 3-node OpenSearch 2.19.6 cluster on loopback (the `opensearch_cluster` fixture): it forms and goes
green, a replicated document is found through every node, the `arabic` analyzer of analysis-common answers,
and losing a node turns the cluster yellow until the node comes back with its data. Run with `make
test-cluster` (`-m cluster`); the default run leaves these out. Every wait is bounded."""
from __future__ import annotations

import pytest
from opensearchpy import OpenSearch

pytestmark = pytest.mark.cluster

NODES = 3


def node_client(url: str) -> OpenSearch:
    return OpenSearch(hosts=[url], timeout=30, max_retries=0)


def test_cluster_forms_green_with_every_node(opensearch_cluster):
    health = opensearch_cluster.wait_for_status("green", NODES)
    assert health["status"] == "green"
    assert health["number_of_nodes"] == NODES
    assert health["number_of_data_nodes"] == NODES
    assert health["cluster_name"] == "arabic-search-test"

    names = {row["name"] for row in opensearch_cluster.client(0).cat.nodes(format="json", h="name")}
    assert names == set(opensearch_cluster.node_names)
    managers = {opensearch_cluster.client(i).cat.cluster_manager(format="json")[0]["node"] for i in range(NODES)}
    assert len(managers) == 1 and managers <= names  # one elected cluster manager, the same seen from every node
    for url in opensearch_cluster.urls:  # every node serves real HTTP on its own port
        info = node_client(url).info()
        assert info["cluster_name"] == "arabic-search-test"
        assert info["version"]["number"] == "2.19.6"


def test_replicated_document_is_found_through_every_node(opensearch_cluster):
    client = opensearch_cluster.client(0)
    index = "news-replicated"
    client.indices.create(index=index, body={
        "settings": {"number_of_shards": 1, "number_of_replicas": 1},
        "mappings": {"properties": {"title": {"type": "text", "analyzer": "arabic"}}},
    })
    client.index(index=index, id="seed-1", body={"title": "وزير الخارجية يزور المدينة"}, refresh="true")
    health = opensearch_cluster.wait_for_status("green", NODES)
    assert health["unassigned_shards"] == 0
    copies = client.cat.shards(index=index, format="json")
    assert sorted(row["prirep"] for row in copies) == ["p", "r"]
    assert len({row["node"] for row in copies}) == 2  # primary and replica on two different nodes

    for url in opensearch_cluster.urls:
        node = node_client(url)
        # «مدينة» finds «المدينة»: the arabic analyzer strips the article and folds ة on both sides
        hits = node.search(index=index, body={"query": {"match": {"title": "مدينة"}}})["hits"]
        assert hits["total"]["value"] == 1, url
        assert hits["hits"][0]["_id"] == "seed-1"
        assert node.get(index=index, id="seed-1")["_source"]["title"] == "وزير الخارجية يزور المدينة"
        # served by this node's own copy where it has one: the primary's node and the replica's both find it
        hits = node.search(index=index, body={"query": {"match": {"title": "مدينة"}}}, preference="_local")["hits"]
        assert hits["total"]["value"] == 1, url


def test_arabic_analyzer_of_analysis_common_is_loaded(opensearch_cluster):
    for i in range(NODES):
        plugins = opensearch_cluster.client(i).nodes.info(node_id="_local", metric="plugins")
        (node,) = plugins["nodes"].values()
        names = {plugin["name"] for plugin in node["plugins"]}
        assert "org.opensearch.analysis.common.CommonAnalysisPlugin" in names
        assert "org.opensearch.transport.Netty4Plugin" in names

    client = opensearch_cluster.client(0)
    tokens = [t["token"] for t in client.indices.analyze(
        body={"analyzer": "arabic", "text": "ذهب الطلاب إلى المكتبة"})["tokens"]]
    # the stopword إلى is gone, the article ال is stripped, ة is folded to ه and the plural suffix removed
    assert "الى" not in tokens and "إلى" not in tokens
    assert tokens == ["ذهب", "طلاب", "مكتب"]
    standard = [t["token"] for t in client.indices.analyze(
        body={"analyzer": "standard", "text": "ذهب الطلاب إلى المكتبة"})["tokens"]]
    assert standard == ["ذهب", "الطلاب", "إلى", "المكتبة"]


@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "sigkill"])
def test_losing_a_node_turns_yellow_and_its_return_turns_green(opensearch_cluster, kill):
    cluster = opensearch_cluster
    client = cluster.client(0)
    index = f"news-three-copies-{'killed' if kill else 'stopped'}"
    # one primary and two replicas: every node holds a copy, and two nodes cannot hold three,
    # so while a node is gone the cluster stays yellow
    client.indices.create(index=index, body={"settings": {"number_of_shards": 1, "number_of_replicas": 2}})
    client.index(index=index, id="a-1", body={"title": "انتخابات"}, refresh="true")
    cluster.wait_for_status("green", NODES)

    victim = NODES - 1
    cluster.stop_node(victim, kill=kill)  # a clean close, or SIGKILL: its copy then recovers from what is on disk
    try:
        health = cluster.wait_for_status("yellow", NODES - 1)
        assert health["status"] == "yellow"
        assert health["number_of_nodes"] == NODES - 1
        assert health["unassigned_shards"] >= 1
        for i in range(NODES - 1):  # the survivors still serve the document
            assert node_client(cluster.urls[i]).get(index=index, id="a-1")["found"]
    finally:
        cluster.start_node(victim)

    health = cluster.wait_for_status("green", NODES)
    assert health["status"] == "green"
    assert health["number_of_nodes"] == NODES
    returned = node_client(cluster.urls[victim])
    assert returned.get(index=index, id="a-1", preference="_local")["found"]  # its own copy, from its data dir
