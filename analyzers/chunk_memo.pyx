# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A text's indexed terms, read through a memo of its chunks: compiled, because it runs for every token.

A chunk is what `str.split()` cuts once `/ - _ "` are read as spaces: they join words in news text
(أيار/مايو, 2-1, #اليوم_الوطني, لـ"سكاي) and never sit inside one. News repeats its chunks, punctuation
and all, as it repeats its words, so each distinct chunk is analyzed once, in Python, by the function the
memo is given; after that a chunk costs one probe of this table. The table hashes a chunk where it lies
in the text, so a chunk seen before never becomes a Python string. In pure Python, splitting, hashing and
looking the chunks up in a dict took two thirds of a pass over ant-v2.1 with every word already seen.
"""
from cpython.list cimport PyList_Append
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.ref cimport PyObject, Py_INCREF, Py_XDECREF
from libc.stdint cimport int32_t, uint8_t
from libc.stdlib cimport free
from libc.string cimport memcmp, memcpy, memset

cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    ctypedef unsigned short Py_UCS2
    Py_UCS4 PyUnicode_READ(int kind, const void* data, Py_ssize_t index)
    bint Py_UNICODE_ISSPACE(Py_UCS4)
    object PyUnicode_Substring(object, Py_ssize_t, Py_ssize_t)
    # the keyed hash (SipHash) Python gives str and bytes, so crafted text cannot pile chunks on one slot
    Py_hash_t _Py_HashBytes(const void*, Py_ssize_t)

cdef extern from "stdlib.h":
    int posix_memalign(void** pointer, size_t alignment, size_t size)

cdef extern from *:
    void __builtin_prefetch(const void* address) noexcept nogil

cdef extern from "sys/mman.h":
    int madvise(void* address, size_t length, int advice)
    int MADV_HUGEPAGE

# Read as spaces: / - _ " (see the module docstring).
cdef Py_UCS4 SLASH = 0x2F, HYPHEN = 0x2D, UNDERSCORE = 0x5F, QUOTE = 0x22
cdef Py_ssize_t FIRST_CAPACITY = 1 << 16  # slots; the table doubles whenever it is half full
cdef Py_ssize_t STACK_CHUNK = 64  # chunks up to this many characters are widened without an allocation
cdef size_t CACHE_LINE = 64
# A table of 2 MiB or more is asked for on huge pages: probes land anywhere in it, and with 4 KiB pages
# most of them also missed the TLB (ant-v2.1's chunks fill 64 MiB; first pass 6-12% faster, second 16%).
cdef size_t HUGE_PAGE = 2 << 20
cdef enum:
    INLINE_UNITS = 13  # a slot holds a chunk of up to 13 UCS-2 units itself: most chunks of news text


cdef struct Slot:
    # One cache line. Most chunks are short enough to be compared with the copy in their slot, so a
    # probe reads one line: the table is larger than the processor's caches, and a second read of the
    # chunk's own string object cost as much again.
    Py_hash_t hash
    PyObject* chunk  # the chunk as written (a str); NULL marks an empty slot
    PyObject* terms  # NULL when no word of the chunk is indexed; else a str (one term) or a tuple
    Py_ssize_t skip  # words before the chunk's first term; all its words when it has none
    int32_t inline_length  # units in `units`, or -1 when the chunk is too long or not all UCS-2
    uint8_t several  # `terms` is a tuple
    Py_UCS2 units[INLINE_UNITS]


cdef struct Span:
    # A chunk where it lies in the text, in the form it is hashed and compared in: UCS-2 units when every
    # code point fits (an Arabic text's own data, with no copy), else UCS-4.
    const void* units
    Py_ssize_t start  # in the text
    Py_ssize_t length
    bint wide  # units are Py_UCS4
    Py_hash_t hash
    void* owned  # memory the units were copied into, when the stack buffer was too small (freed after use)


cdef inline bint _is_space(Py_UCS4 c) noexcept:
    """`str.isspace()` of one code point, with the Unicode table asked only outside ASCII and the letters
    from U+00A1 to U+167F (Arabic among them), which hold no space (a test checks every code point)."""
    if 0xA0 < c < 0x1680:
        return False
    if c < 0x80:
        return c == 0x20 or 0x09 <= c <= 0x0D or 0x1C <= c <= 0x1F
    return Py_UNICODE_ISSPACE(c)


cdef inline bint _splits(Py_UCS4 c) noexcept:
    if 0xA0 < c < 0x1680:  # `_is_space`'s own first test, asked before the four joiners for Arabic's sake
        return False
    return c == SLASH or c == HYPHEN or c == UNDERSCORE or c == QUOTE or _is_space(c)


cdef int _next_span(Span* span, int kind, const void* data, Py_ssize_t text_length, Py_ssize_t* position,
                    Py_UCS4* buffer) except -1:
    """Fill `span` with the next chunk from `*position` on and move past it; return 0 at the text's end.

    The span's units are the text's own data (UCS-2), a copy in `buffer` (up to `STACK_CHUNK` characters),
    or a copy in `span.owned`, which `_free_span` releases."""
    cdef Py_ssize_t i = position[0], k, length
    while i < text_length and _splits(PyUnicode_READ(kind, data, i)):
        i += 1
    if i == text_length:
        position[0] = i
        return 0
    span.start = i
    while i < text_length and not _splits(PyUnicode_READ(kind, data, i)):
        i += 1
    position[0] = i
    length = span.length = i - span.start
    span.wide = False
    span.owned = NULL
    if kind == 2:
        span.units = <const Py_UCS2*> data + span.start
    else:
        if kind == 4:
            for k in range(length):
                if (<const Py_UCS4*> data)[span.start + k] > 0xFFFF:
                    span.wide = True
                    break
        if span.wide:
            span.units = <const Py_UCS4*> data + span.start
        else:
            narrow = <Py_UCS2*> buffer
            if length > STACK_CHUNK:
                narrow = <Py_UCS2*> PyMem_Malloc(length * sizeof(Py_UCS2))
                if narrow == NULL:
                    raise MemoryError()
                span.owned = narrow
            for k in range(length):
                narrow[k] = <Py_UCS2> PyUnicode_READ(kind, data, span.start + k)
            span.units = narrow
    span.hash = _Py_HashBytes(span.units, length * (4 if span.wide else 2))
    return 1


def words_end(str text, Py_ssize_t count):
    """Where the first `count` whitespace-separated words of `text` end (the words of `str.split()`), or
    its length when it has fewer: `text[:words_end(text, n)].split() == text.split()[:n]`.

    A body's opening is taken as this slice, so that neither the rest of the body nor the words themselves
    are copied into strings only to be joined again."""
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), i = 0, words = 0
    while words < count:
        while i < length and _is_space(PyUnicode_READ(kind, data, i)):
            i += 1
        if i == length:
            break
        while i < length and not _is_space(PyUnicode_READ(kind, data, i)):
            i += 1
        words += 1
    return i


cdef inline void _free_span(Span* span) noexcept:
    PyMem_Free(span.owned)
    span.owned = NULL


cdef void _free_table(Slot* slots, Py_ssize_t capacity) noexcept:
    """Release a table's references to its chunks and terms, then its memory."""
    cdef Py_ssize_t k
    for k in range(capacity):
        if slots[k].chunk != NULL:
            Py_XDECREF(slots[k].chunk)
            Py_XDECREF(slots[k].terms)
    free(slots)


cdef inline bint _same_chunk(const Slot* slot, const Span* span) noexcept:
    """True when the slot holds the span's chunk."""
    if slot.inline_length >= 0:
        return (not span.wide and slot.inline_length == span.length
                and memcmp(slot.units, span.units, span.length * sizeof(Py_UCS2)) == 0)
    chunk = <object> slot.chunk
    if PyUnicode_GET_LENGTH(chunk) != span.length:
        return False
    cdef int kind = PyUnicode_KIND(chunk)
    cdef const void* data = PyUnicode_DATA(chunk)
    cdef Py_ssize_t k
    for k in range(span.length):
        if PyUnicode_READ(kind, data, k) != (
                (<const Py_UCS4*> span.units)[k] if span.wide else (<const Py_UCS2*> span.units)[k]):
            return False
    return True


cdef inline bint _yields_one_of(const Slot* slot, object terms) except -1:
    """True when one of the slot's terms (it has some) is in the set `terms`."""
    if not slot.several:
        return (<object> slot.terms) in terms
    for term in <tuple> slot.terms:
        if term in terms:
            return True
    return False


cdef class ChunkMemo:
    """Chunk as written -> (its words' indexed terms, the words before the first of them), open addressing.

    `analyze_chunk(chunk) -> (terms: tuple[str, ...], skip: int)` analyzes a chunk not seen before; the memo
    keeps what it returns. Past `limit` distinct chunks the memo is emptied, between two texts, so memory
    stays bounded on an endless stream of new words.
    """
    cdef Slot* slots
    cdef Py_ssize_t capacity
    cdef Py_ssize_t used
    cdef readonly Py_ssize_t limit
    cdef object analyze_chunk

    def __cinit__(self, analyze_chunk, Py_ssize_t limit):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.analyze_chunk = analyze_chunk
        self.limit = limit
        self.slots = NULL
        self.capacity = 0
        self.used = 0
        self._allocate(FIRST_CAPACITY)

    def __dealloc__(self):
        _free_table(self.slots, self.capacity)

    def __len__(self):
        return self.used

    def clear(self):
        """Forget every chunk and give back the table's memory (past `limit` the memo empties itself)."""
        self._release_entries()

    def text_terms(self, str text):
        """(the terms of `text` in order, how many of its words come before the first term; 0 if none)."""
        return self._read(text, None)

    def chunks_with(self, str text, terms):
        """(start, end) of every chunk of `text`, in text order, that yields one of `terms` (a set).

        Highlighting asks this of each hit's title and body: every chunk is one probe of the memo, and
        only the few that match become Python strings, to have their words' offsets read."""
        return self._read(text, terms if isinstance(terms, (set, frozenset)) else frozenset(terms))

    cdef object _read(self, str text, object wanted):
        """One pass over the chunks of `text`: `text_terms` when `wanted` is None, else `chunks_with`."""
        if self.used >= self.limit:
            self._release_entries()
        cdef int kind = PyUnicode_KIND(text)
        cdef const void* data = PyUnicode_DATA(text)
        cdef Py_ssize_t length = PyUnicode_GET_LENGTH(text), position = 0, index, first = 0
        cdef bint found = False, more, spans_wanted = wanted is not None
        cdef Py_UCS4 buffers[2][64]
        cdef Span spans[2]
        cdef int current = 0
        cdef Slot* slot
        cdef list out = []
        spans[0].owned = spans[1].owned = NULL
        try:
            more = _next_span(&spans[0], kind, data, length, &position, buffers[0])
            while more:
                # read the next chunk and ask for its slot before probing this one's, so that the two
                # reads from memory overlap
                more = _next_span(&spans[1 - current], kind, data, length, &position, buffers[1 - current])
                if more:
                    __builtin_prefetch(&self.slots[<size_t> spans[1 - current].hash & (<size_t> self.capacity - 1)])
                index = self._slot_of(text, &spans[current])
                _free_span(&spans[current])
                slot = &self.slots[index]
                if spans_wanted:
                    if slot.terms != NULL and _yields_one_of(slot, wanted):
                        PyList_Append(out, (spans[current].start, spans[current].start + spans[current].length))
                else:
                    if not found:
                        first += slot.skip
                        found = slot.terms != NULL
                    if slot.terms != NULL:
                        if slot.several:
                            out.extend(<tuple> slot.terms)
                        else:
                            PyList_Append(out, <object> slot.terms)
                current = 1 - current
        finally:
            _free_span(&spans[0])
            _free_span(&spans[1])
        return out if spans_wanted else (out, (first if found else 0))

    cdef inline Py_ssize_t _slot_of(self, str text, const Span* span) except -1:
        """The slot of the span's chunk, analyzing the chunk first when the memo has not seen it."""
        cdef Py_ssize_t index = self._find(span)
        if self.slots[index].chunk == NULL:
            index = self._learn(text, span)
        return index

    cdef Py_ssize_t _find(self, const Span* span) noexcept:
        """The slot holding the span's chunk, or the empty slot where it belongs."""
        cdef size_t mask = <size_t> self.capacity - 1
        cdef size_t index = <size_t> span.hash & mask
        cdef Slot* slot
        while True:
            slot = &self.slots[index]
            if slot.chunk == NULL or (slot.hash == span.hash and _same_chunk(slot, span)):
                return index
            index = (index + 1) & mask

    cdef Py_ssize_t _learn(self, str text, const Span* span) except -1:
        """Analyze the span's chunk and store it; return its slot."""
        chunk = PyUnicode_Substring(text, span.start, span.start + span.length)
        terms, skip = self.analyze_chunk(chunk)
        terms = tuple(terms)
        value = None if not terms else terms[0] if len(terms) == 1 else terms
        # the analysis ran Python code, which may have used this memo (another thread, or the analysis
        # itself): probe again rather than trust a slot found before it
        cdef Py_ssize_t index = self._find(span)
        if self.slots[index].chunk != NULL:
            return index
        if (self.used + 1) * 2 > self.capacity:
            self._grow()
            index = self._find(span)
        cdef Slot* slot = &self.slots[index]
        slot.hash = span.hash
        slot.skip = skip
        slot.several = len(terms) > 1
        if span.wide or span.length > INLINE_UNITS:
            slot.inline_length = -1
        else:
            slot.inline_length = <int32_t> span.length
            memcpy(slot.units, span.units, span.length * sizeof(Py_UCS2))
        Py_INCREF(chunk)
        slot.chunk = <PyObject*> chunk
        if value is None:
            slot.terms = NULL
        else:
            Py_INCREF(value)
            slot.terms = <PyObject*> value
        self.used += 1
        return index

    cdef _allocate(self, Py_ssize_t capacity):
        """Point the memo at a new empty table of `capacity` slots (a power of two), each on its own line
        (and on huge pages when the kernel grants them: `madvise` is advice, and a refusal changes nothing)."""
        cdef void* slots = NULL
        cdef size_t size = capacity * sizeof(Slot)
        if posix_memalign(&slots, HUGE_PAGE if size >= HUGE_PAGE else CACHE_LINE, size) != 0:
            raise MemoryError()
        if size >= HUGE_PAGE:
            madvise(slots, size, MADV_HUGEPAGE)
        memset(slots, 0, size)
        self.slots = <Slot*> slots
        self.capacity = capacity

    cdef _grow(self):
        cdef Slot* old = self.slots
        cdef Py_ssize_t old_capacity = self.capacity, k
        cdef size_t mask, index
        self._allocate(old_capacity * 2)
        mask = <size_t> self.capacity - 1
        for k in range(old_capacity):
            if old[k].chunk != NULL:
                index = <size_t> old[k].hash & mask
                while self.slots[index].chunk != NULL:
                    index = (index + 1) & mask
                self.slots[index] = old[k]
        free(old)

    cdef _release_entries(self):
        """Drop every entry and shrink the table back to its first size."""
        cdef Slot* old = self.slots
        cdef Py_ssize_t old_capacity = self.capacity
        self._allocate(FIRST_CAPACITY)  # a MemoryError leaves the table as it was
        self.used = 0
        _free_table(old, old_capacity)


cdef class TermTokens:
    """Iterator over a text's terms that hands out one reused Whoosh token with its `text` (and `pos`) set.

    Resuming a Python generator cost as much per token as finding the token's term. The attributes are
    written straight into the token's `__dict__`: Whoosh's Token class defines no descriptor for them, so
    that is what `setattr` would do, without looking the names up on the class each time.
    """
    cdef object token
    cdef dict attributes
    cdef list terms
    cdef Py_ssize_t index
    cdef Py_ssize_t first_pos
    cdef bint positions

    def __cinit__(self, token, list terms, Py_ssize_t first_pos, bint positions):
        self.token = token
        self.attributes = token.__dict__
        self.terms = terms
        self.index = 0
        self.first_pos = first_pos
        self.positions = positions

    def __iter__(self):
        return self

    def __next__(self):
        if self.index >= len(self.terms):
            raise StopIteration
        if self.positions:
            self.attributes["pos"] = self.first_pos + self.index
        self.attributes["text"] = self.terms[self.index]
        self.index += 1
        return self.token
