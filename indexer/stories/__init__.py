"""The same story told by several outlets: near-duplicate fingerprints (`fingerprint`), the online assignment
of story ids at indexing time (`assign`), and the collapse of a ranked list to one hit per story (`collapse`).

Engine-neutral: both engines index what `assign` decides and collapse with `collapse`.
"""
