"""The array codec's segment file: named little-endian arrays per field, 8-byte aligned, read zero-copy.

Layout: MAGIC, the arrays, a pickled header {field: (kind, {array name: (offset, dtype, count)})}, then a
trailer (header offset and length as two little-endian uint64, and MAGIC). Reading maps the file (or uses
the buffer Whoosh's storage already holds: RamStorage, mmapped compound segments), so opening a segment
costs one small unpickle and each array is an `np.frombuffer` view.
"""
from __future__ import annotations

import mmap
import pickle
import struct

import numpy as np

from indexer.whoosh_private import storage_buffer

MAGIC = b"WhArr\x00v1"
ALIGNMENT = 8
_TRAILER = struct.Struct("<QQ8s")


class ArrayFileWriter:
    """Appends each field's arrays to a storage file as they are written; the header goes last."""

    def __init__(self, dbfile) -> None:
        self._file = dbfile
        self._offset = 0
        self._fields: dict[str, tuple[str, dict]] = {}
        self._write(MAGIC)

    def _write(self, data) -> None:
        self._file.write(data)
        self._offset += len(data)

    def add_field(self, fieldname: str, kind: str, arrays: dict[str, np.ndarray]) -> None:
        if fieldname in self._fields:
            raise ValueError(f"field {fieldname!r} was already written to this segment")
        extents = {}
        for name, array in arrays.items():
            array = np.ascontiguousarray(array)
            padding = -self._offset % ALIGNMENT
            self._write(b"\x00" * padding)
            extents[name] = (self._offset, array.dtype.str, len(array))
            self._write(array.data.cast("B"))
        self._fields[fieldname] = (kind, extents)

    def close(self) -> None:
        header = pickle.dumps(self._fields, protocol=4)
        start = self._offset
        self._write(header)
        self._write(_TRAILER.pack(start, len(header), MAGIC))
        self._file.close()


class ArrayFile:
    """An open array file: the field names, their posting kinds, and their arrays as read-only views."""

    def __init__(self, buffer, owned_map: mmap.mmap | None = None) -> None:
        self._buffer = buffer
        self._map = owned_map
        if len(buffer) < len(MAGIC) + _TRAILER.size or bytes(buffer[: len(MAGIC)]) != MAGIC:
            raise ValueError("not an array codec file")
        start, length, magic = _TRAILER.unpack(bytes(buffer[len(buffer) - _TRAILER.size:]))
        if magic != MAGIC:
            raise ValueError("array codec file has no trailer (truncated?)")
        self.fields: dict[str, tuple[str, dict]] = pickle.loads(buffer[start:start + length])

    def kind(self, fieldname: str) -> str:
        return self.fields[fieldname][0]

    def arrays(self, fieldname: str) -> dict[str, np.ndarray]:
        """Views of every array of `fieldname` (read-only; they keep the file's buffer alive)."""
        return {
            name: np.frombuffer(self._buffer, dtype=np.dtype(dtype), count=count, offset=offset)
            for name, (offset, dtype, count) in self.fields[fieldname][1].items()
        }

    def close(self) -> None:
        self._buffer = None
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # arrays handed out still use the map; it closes when they are gone
                pass
            self._map = None


def open_array_file(storage, filename: str) -> ArrayFile:
    """Open `filename` from a Whoosh storage without copying it when the storage allows."""
    dbfile = storage.open_file(filename)
    buffer = storage_buffer(dbfile)
    if buffer is not None:
        dbfile.close()  # closes its private BytesIO copy; the storage's buffer stays
        return ArrayFile(buffer)
    if getattr(dbfile, "is_real", False):
        try:
            owned = mmap.mmap(dbfile.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            owned = None
        if owned is not None:
            dbfile.close()
            return ArrayFile(memoryview(owned), owned)
    dbfile.seek(0)
    data = dbfile.read()
    dbfile.close()
    return ArrayFile(data)
