# cython: language_level=3, boundscheck=False, wraparound=False
"""Binary search over a segment's sorted term bytes, compiled: every query term is looked up in every segment.

A field's terms lie in one byte array, term i at offsets[i]:offsets[i + 1] (less a trailing separator byte in
files written before the terms index existed), sorted as bytes. In Python, a lookup bisected a sampled
list of every 64th term and then sliced and compared terms one by one; here it is one memcmp per step on the
mapped arrays themselves, with no copy of the terms and no sampled list.
"""
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from libc.stdint cimport int64_t
from libc.string cimport memcmp


cdef class SortedTerms:
    """Lookups in `count` sorted terms held in `blob` (uint8) at `offsets` (int64, count + 1 of them)."""

    cdef const unsigned char[::1] blob
    cdef const int64_t[::1] offsets
    cdef readonly Py_ssize_t count
    cdef Py_ssize_t trailing

    def __cinit__(self, blob, offsets, Py_ssize_t count, Py_ssize_t trailing):
        if len(offsets) < count + 1:
            raise ValueError("a term table needs count + 1 offsets")
        self.blob = blob
        self.offsets = offsets
        self.count = count
        self.trailing = trailing

    cdef inline int _compare(self, Py_ssize_t i, const char* key, Py_ssize_t size) noexcept:
        """<0, 0 or >0 as term i sorts before, equal to or after the key (bytes order: a prefix sorts first)."""
        cdef Py_ssize_t start = self.offsets[i]
        cdef Py_ssize_t length = self.offsets[i + 1] - self.trailing - start
        cdef int order = 0
        cdef Py_ssize_t common = length if length < size else size
        if common > 0:
            order = memcmp(&self.blob[start], key, common)
        if order != 0:
            return order
        return (length > size) - (length < size)

    cpdef Py_ssize_t lower_bound(self, bytes key):
        """Index of the first term >= key (`count` when every term sorts before it)."""
        cdef const char* data = PyBytes_AS_STRING(key)
        cdef Py_ssize_t size = PyBytes_GET_SIZE(key), low = 0, high = self.count, middle
        while low < high:
            middle = (low + high) >> 1
            if self._compare(middle, data, size) < 0:
                low = middle + 1
            else:
                high = middle
        return low

    cpdef Py_ssize_t find(self, bytes key):
        """Index of the term equal to key, or -1."""
        cdef Py_ssize_t i = self.lower_bound(key)
        if i < self.count and self._compare(i, PyBytes_AS_STRING(key), PyBytes_GET_SIZE(key)) == 0:
            return i
        return -1
