"""An OpenSearch engine URL, `opensearch+http://HOST:PORT/NAME`: the cluster's address and the alias served."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = {"opensearch+http": "http", "opensearch+https": "https"}
# OpenSearch index names: lowercase, no leading _ - +, none of \ / * ? " < > | space , #
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,200}$")


@dataclass(frozen=True)
class ClusterLocation:
    url: str  # what the client connects to, e.g. http://127.0.0.1:9200
    alias: str  # the name readers use; each rebuild makes a new index behind it

    @classmethod
    def parse(cls, spec: str) -> ClusterLocation:
        """Split an engine URL, or ValueError saying what is wrong with it."""
        parts = urlsplit(str(spec))
        if parts.scheme not in SCHEMES:
            raise ValueError(f"not an OpenSearch engine URL: {spec!r} (expected opensearch+http://HOST:PORT/INDEX)")
        if not parts.hostname:
            raise ValueError(f"the engine URL {spec!r} names no host")
        alias = parts.path.strip("/")
        if not _NAME.match(alias):
            raise ValueError(f"the engine URL {spec!r} needs an index name of lowercase letters, digits, . _ -, "
                             "e.g. opensearch+http://127.0.0.1:9200/news")
        port = f":{parts.port}" if parts.port else ""
        return cls(f"{SCHEMES[parts.scheme]}://{parts.hostname}{port}", alias)

    @property
    def spec(self) -> str:
        scheme = next(name for name, plain in SCHEMES.items() if self.url.startswith(plain + "://"))
        return f"{scheme}://{self.url.split('://', 1)[1]}/{self.alias}"
