"""A local OpenSearch cluster for development and tests: `LocalCluster` (cluster/local_cluster.py).

The names are loaded on first use, so that `python -m cluster.local_cluster` does not import its own module
twice.
"""
__all__ = ["ClusterError", "LauncherNotBuilt", "LocalCluster"]


def __getattr__(name: str):
    if name in __all__:
        from cluster import local_cluster

        return getattr(local_cluster, name)
    raise AttributeError(f"module 'cluster' has no attribute {name!r}")
