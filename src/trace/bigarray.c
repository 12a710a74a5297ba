/* SPDX-License-Identifier: MIT */
/*
 * bigarray.c -- growable arrays of many records (bigarray.h).
 *
 * One sample of a process with 20,000 mappings (vmscope attach), or an
 * import of its 14 MB smaps, fills a few arrays of several megabytes once.  Each first touch of a 4 KiB page costs a page
 * fault, and on some machines (virtual ones especially) a fault costs
 * microseconds: a thousand faults per array were a third of an attach.
 * From BIG_ARRAY_MIN bytes on, an array is a private anonymous mapping
 * aligned to 2 MiB and advised MADV_HUGEPAGE, so that where transparent
 * huge pages are enabled ("always" or "madvise" in
 * /sys/kernel/mm/transparent_hugepage/enabled) one fault maps 2 MiB.
 * Where they are not, the mapping behaves as malloc's would.  Smaller
 * arrays stay in malloc, so small processes do not pay 2 MiB an array.
 */
#define _GNU_SOURCE 1              /* mremap */
#include <config.h>

#include "bigarray.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A mapping of BYTES (a multiple of BIG_ARRAY_MIN) aligned to
 * BIG_ARRAY_MIN, or NULL. */
static void *
map_aligned(size_t bytes)
{
	size_t extra = BIG_ARRAY_MIN, head;
	char *p = mmap(NULL, bytes + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	head = (BIG_ARRAY_MIN - (uintptr_t)p % BIG_ARRAY_MIN) % BIG_ARRAY_MIN;
	if (head > 0)
		munmap(p, head);
	munmap(p + head + bytes, extra - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);    /* a hint: refused is fine */
#endif
	return p;
}

/*
 * Grow the array P of *BYTES bytes (0 with P NULL: none yet) to at least
 * NEED bytes, keeping its contents; *BYTES gets the new size.  Returns the
 * array, or NULL when out of memory (P is then unchanged).
 */
void *
big_array_grow(void *p, size_t *bytes, size_t need)
{
	size_t nb = *bytes ? *bytes : 4096;
	void *np;

	while (nb < need)
		nb *= 2;
	if (nb <= BIG_ARRAY_FROM) {
		if ((np = realloc(p, nb)) != NULL)
			*bytes = nb;
		return np;
	}
	nb = (nb + BIG_ARRAY_MIN - 1) / BIG_ARRAY_MIN * BIG_ARRAY_MIN;
	if ((np = map_aligned(nb)) == NULL)
		return NULL;
	if (*bytes >= BIG_ARRAY_MIN) {
		/* The old pages move to the head of the new mapping: their
		 * page tables are moved (a huge page whole, both ends being
		 * aligned), not their contents copied, and no page is
		 * touched twice. */
		if (mremap(p, *bytes, *bytes, MREMAP_MAYMOVE | MREMAP_FIXED, np) == MAP_FAILED) {
			memcpy(np, p, *bytes);
			munmap(p, *bytes);
		}
	} else if (p != NULL) {
		memcpy(np, p, *bytes);
		free(p);
	}
	*bytes = nb;
	return np;
}

/* Free the array P of BYTES bytes (as big_array_grow left them). */
void
big_array_free(void *p, size_t bytes)
{
	if (p == NULL)
		return;
	if (bytes >= BIG_ARRAY_MIN)
		munmap(p, bytes);
	else
		free(p);
}
