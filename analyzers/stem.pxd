# Declarations Cython reads beside stem.py (an "augmenting" .pxd): the stemmer's helpers become C functions
# with typed arguments, so that the rules call each other directly instead of through Python calls. stem.py
# stays plain Python and runs as it reads without being compiled.

cdef bint _is_rarer_form(str rest, str word)
cdef bint _wa_belongs_to_stem(str rest, str word)
cdef bint _preposition_is_clitic(str token)
cdef object _strip_article(str token)
cdef tuple _strip_proclitics(str token)
cdef str _restore_teh_marbuta(str rest)
cdef str _repair_final_heh(str token, bint definite)
cdef str _strip_pronoun(str token)
cdef bint _is_present_verb(str word)
cdef str _strip_inflection(str token)
cdef str _strip_tanween_alef(str token)
cdef str _strip_feminine_past(str token)
cdef str _fold_present_prefix(str token)
