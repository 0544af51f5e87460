// SPDX-License-Identifier: GPL-2.0-or-later
/* Size report helper: sizeof of the model structs as symbol sizes (nm -S), no target run needed. */
#include "proto/ct.h"
#include "proto/wire.h"

/* One object per struct, as large as the struct: the object file is never linked or run. */
#define SIZEOF(name, type) \
	extern char sizeof_##name[sizeof(type)]; \
	char sizeof_##name[sizeof(type)]

SIZEOF(ct, struct ct);
SIZEOF(ct_exp, struct ct_exp);
SIZEOF(ct_tuple, struct ct_tuple);
SIZEOF(ct_addr, union ct_addr);
SIZEOF(ct_nat, struct ct_nat);
SIZEOF(ct_counters, struct ct_counters);
SIZEOF(ct_seqadj, struct ct_seqadj);
SIZEOF(ct_stats, struct ct_stats);
SIZEOF(wire_hdr, struct wire_hdr);
