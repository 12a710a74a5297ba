/* SPDX-License-Identifier: MIT */
/*
 * vm_map.c -- address maps: entries in an AVL tree plus an address-ordered
 * list, clipping, entry coalescing and simplification.
 *
 * Invariants: entries are sorted by start, never overlap, start < end, and
 * every non-NULL entry object holds one reference for that entry.  Keys may
 * be changed in place only when the order with both neighbours is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

/* Allocate a zeroed entry with default attributes. */
struct vm_map_entry *
vm_map_entry_new(void)
{
	struct vm_map_entry *e = calloc(1, sizeof *e);

	if (e == NULL)
		abort();
	e->prot = VM_PROT_READ | VM_PROT_WRITE;
	e->max_prot = VM_PROT_ALL;
	e->inheritance = VM_INHERIT_COPY;
	return e;
}

/* Free an entry and its presence bitmap (not its object reference). */
void
vm_map_entry_free(struct vm_map_entry *e)
{
	free(e->present);
	if (!e->in_arena)
		free(e);
}

/* Bytes of a presence bitmap for NPAGES pages. */
static size_t
present_bytes(uint64_t npages)
{
	return (size_t)((npages + 7) / 8);
}

/* A copy of bits [from, from+n) of SRC as a new bitmap (NULL stays NULL). */
static uint8_t *
present_slice(const uint8_t *src, uint64_t from, uint64_t n)
{
	uint8_t *b;

	if (src == NULL)
		return NULL;
	b = calloc(present_bytes(n) ? present_bytes(n) : 1, 1);
	if (b == NULL)
		abort();
	for (uint64_t i = 0; i < n; i++)
		if ((src[(from + i) >> 3] >> ((from + i) & 7)) & 1)
			b[i >> 3] |= (uint8_t)(1u << (i & 7));
	return b;
}

/*
 * Start tracking page-table presence for E (linux profile, shared
 * mappings): present are the pages resident in E's chain when
 * RESIDENT_PRESENT (the mapping that touched them), else none (a fresh
 * mapping, or a child after fork: copy_present_pte skips shared pages).
 */
void
vm_entry_track_presence(struct vm_world *w, struct vm_map_entry *e, bool resident_present)
{
	uint64_t n = (e->end - e->start) >> w->page_shift;
	struct vm_object *top = vm_obj(w, e->object);

	free(e->present);
	e->present = calloc(present_bytes(n) ? present_bytes(n) : 1, 1);
	if (e->present == NULL)
		abort();
	if (!resident_present || top == NULL)
		return;
	for (uint64_t i = 0, k; i < n; i += k) {
		k = n - i;
		if (vm_chain_span(w, top, e->offset + (i << w->page_shift), &k, NULL, NULL) == NULL)
			continue;
		for (uint64_t j = i; j < i + k; j++)
			vm_entry_set_present(e, j);
	}
}

/* Initialise an empty map over [min, max). */
void
vm_map_init(struct vm_map *m, uint64_t min, uint64_t max)
{
	memset(m, 0, sizeof *m);
	m->min = min;
	m->max = max;
}

/* Free every entry, dropping their object references. */
void
vm_map_destroy(struct vm_world *w, struct vm_map *m)
{
	struct vm_map_entry *e = m->first, *next;

	for (; e != NULL; e = next) {
		next = e->next;
		if (w != NULL && e->object != 0)
			vm_obj_deref(w, e->object);
		vm_map_entry_free(e);
	}
	m->root = m->first = m->last = NULL;
	m->nentries = 0;
	free(m->hints);
	m->hints = NULL;
	m->hint_mask = 0;
}

/* ---- AVL tree keyed by start -------------------------------------------- */

static int
avl_h(const struct vm_map_entry *e)
{
	return e != NULL ? e->height : 0;
}

static void
avl_fix(struct vm_map_entry *e)
{
	int l = avl_h(e->left), r = avl_h(e->right);

	e->height = 1 + (l > r ? l : r);
}

static struct vm_map_entry *
avl_rotr(struct vm_map_entry *y)
{
	struct vm_map_entry *x = y->left;

	y->left = x->right;
	x->right = y;
	avl_fix(y);
	avl_fix(x);
	return x;
}

static struct vm_map_entry *
avl_rotl(struct vm_map_entry *x)
{
	struct vm_map_entry *y = x->right;

	x->right = y->left;
	y->left = x;
	avl_fix(x);
	avl_fix(y);
	return y;
}

/* Restore the AVL balance at N. */
static struct vm_map_entry *
avl_balance(struct vm_map_entry *n)
{
	int b;

	avl_fix(n);
	b = avl_h(n->left) - avl_h(n->right);
	if (b > 1) {
		if (avl_h(n->left->left) < avl_h(n->left->right))
			n->left = avl_rotl(n->left);
		return avl_rotr(n);
	}
	if (b < -1) {
		if (avl_h(n->right->right) < avl_h(n->right->left))
			n->right = avl_rotr(n->right);
		return avl_rotl(n);
	}
	return n;
}

static struct vm_map_entry *
avl_insert(struct vm_map_entry *n, struct vm_map_entry *e)
{
	if (n == NULL) {
		e->left = e->right = NULL;
		e->height = 1;
		return e;
	}
	if (e->start < n->start)
		n->left = avl_insert(n->left, e);
	else
		n->right = avl_insert(n->right, e);
	return avl_balance(n);
}

static struct vm_map_entry *
avl_remove_min(struct vm_map_entry *n, struct vm_map_entry **min)
{
	if (n->left == NULL) {
		*min = n;
		return n->right;
	}
	n->left = avl_remove_min(n->left, min);
	return avl_balance(n);
}

static struct vm_map_entry *
avl_remove(struct vm_map_entry *n, const struct vm_map_entry *e)
{
	if (n == NULL)
		return NULL;
	if (e->start < n->start) {
		n->left = avl_remove(n->left, e);
	} else if (e->start > n->start || n != e) {
		n->right = avl_remove(n->right, e);
	} else {
		struct vm_map_entry *l = n->left, *r = n->right, *m;

		if (r == NULL)
			return l;
		r = avl_remove_min(r, &m);
		m->left = l;
		m->right = r;
		return avl_balance(m);
	}
	return avl_balance(n);
}

/* ---- lookup cache ---------------------------------------------------------- */

/*
 * A big map remembers its lookups in a direct-mapped table: a slot holds
 * the entry found for an address and the map's generation then.  The
 * entry is still the answer while the generation is unchanged -- no entry
 * has left the map, so the pointer is live -- and it still contains the
 * address (a clip may have moved its bounds).  Random lookups over ten
 * thousand entries touch one slot instead of the lower levels of the
 * tree, each a cache miss.  (The same idea as XNU's one hint per map,
 * xnu-11417.101.15 osfmk/vm/vm_map.c vm_map_lookup_entry, and Linux's
 * four per thread until v6.0, mm/vmacache.c vmacache_find.)  Not a rule
 * of the model: what a lookup finds does not change.
 */
#define HINTS_MIN_ENTRIES 64
#define HINTS_MAX_SLOTS (1u << 16)

static uint32_t
hint_slot(const struct vm_map *m, uint64_t addr)
{
	return (uint32_t)(((addr >> 12) * 0x9E3779B97F4A7C15ull) >> 40) & m->hint_mask;
}

/* Give M a lookup cache fit for its size (as many slots as entries, in
 * powers of two). */
void
vm_map_hints_fit(struct vm_map *m)
{
	size_t slots = 256;

	if (m->nentries < HINTS_MIN_ENTRIES)
		return;
	while (slots < m->nentries && slots < HINTS_MAX_SLOTS)
		slots *= 2;
	if (m->hints != NULL && m->hint_mask + 1 >= slots)
		return;
	free(m->hints);
	m->hints = calloc(slots, sizeof *m->hints);
	if (m->hints == NULL)
		abort();
	m->hint_mask = (uint32_t)slots - 1;
	m->gen++;                  /* slots of generation 0 never match */
}

/* Find the entry containing ADDR in the tree, or NULL (no cache). */
struct vm_map_entry *
vm_map_lookup_tree(const struct vm_map *m, uint64_t addr)
{
	struct vm_map_entry *n = m->root;

	while (n != NULL) {
		if (addr < n->start)
			n = n->left;
		else if (addr >= n->end)
			n = n->right;
		else
			return n;
	}
	return NULL;
}

/* Find the entry containing ADDR, or NULL. */
struct vm_map_entry *
vm_map_lookup(const struct vm_map *m, uint64_t addr)
{
	struct vm_map_entry *n;
	struct vm_map_hint *h = NULL;

	if (m->hints != NULL) {
		h = &m->hints[hint_slot(m, addr)];
		if (h->gen == m->gen && h->e->start <= addr && addr < h->e->end)
			return h->e;
	}
	n = vm_map_lookup_tree(m, addr);
	if (n != NULL && h != NULL) {
		h->e = n;
		h->gen = m->gen;
	}
	return n;
}

/* Find the first entry that ends after ADDR (contains it or lies above). */
struct vm_map_entry *
vm_map_first_at_or_after(const struct vm_map *m, uint64_t addr)
{
	struct vm_map_entry *n = m->root, *best = NULL;

	while (n != NULL) {
		if (addr < n->end) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/* Return the I-th entry in address order (O(i)). */
struct vm_map_entry *
vm_map_entry_at(const struct vm_map *m, size_t i)
{
	struct vm_map_entry *e = m->first;

	while (e != NULL && i-- > 0)
		e = e->next;
	return e;
}

/* Link E into the list after AFTER (NULL: at the head) and into the tree. */
void
vm_map_link(struct vm_map *m, struct vm_map_entry *after, struct vm_map_entry *e)
{
	e->prev = after;
	e->next = after != NULL ? after->next : m->first;
	if (e->next != NULL)
		e->next->prev = e;
	else
		m->last = e;
	if (after != NULL)
		after->next = e;
	else
		m->first = e;
	m->root = avl_insert(m->root, e);
	m->nentries++;
}

/* Unlink E from the list and the tree (E is not freed). */
void
vm_map_unlink(struct vm_map *m, struct vm_map_entry *e)
{
	m->root = avl_remove(m->root, e);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		m->first = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		m->last = e->prev;
	e->prev = e->next = e->left = e->right = NULL;
	m->nentries--;
	m->gen++;                  /* E may be freed: forget every lookup */
}

/* ---- clipping ------------------------------------------------------------ */

/*
 * Split E at ADDR so that an entry starts there; return that entry.
 * _vm_map_clip_start(): both halves keep the object, which takes one more
 * reference; the upper half's offset advances by the split distance.
 */
struct vm_map_entry *
vm_map_clip_start(struct vm_world *w, struct vm_map *m, struct vm_map_entry *e,
                  uint64_t addr)
{
	struct vm_map_entry *n;

	if (addr <= e->start || addr >= e->end)
		return e;
	n = vm_map_entry_new();
	*n = *e;
	n->in_arena = false;
	n->start = addr;
	n->offset = e->offset + (addr - e->start);
	if (e->present != NULL) {
		uint64_t lo = (addr - e->start) >> w->page_shift;
		uint8_t *head = present_slice(e->present, 0, lo);

		n->present = present_slice(e->present, lo, (n->end - addr) >> w->page_shift);
		free(e->present);
		e->present = head;
	}
	e->end = addr;
	if (n->object != 0)
		vm_obj_ref(w, n->object);
	vm_map_link(m, e, n);
	w->fx.flags |= VMFX_CLIPPED;
	w->fx.entries_clipped++;
	return n;
}

/* Split E at ADDR so that E ends there (_vm_map_clip_end()). */
void
vm_map_clip_end(struct vm_world *w, struct vm_map *m, struct vm_map_entry *e, uint64_t addr)
{
	(void)vm_map_clip_start(w, m, e, addr);
}

/* Is every byte of [start, end) covered by entries? */
bool
vm_map_range_mapped(const struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_map_entry *e = vm_map_lookup(m, start);
	uint64_t at = start;

	while (e != NULL && at < end) {
		if (e->start > at)
			return false;
		at = e->end;
		e = e->next;
	}
	return at >= end;
}

/* Is [start, end) inside the map's bounds and free of entries? */
bool
vm_map_range_free(const struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_map_entry *e;

	if (start < m->min || end > m->max || end <= start)
		return false;
	e = vm_map_first_at_or_after(m, start);
	return e == NULL || e->start >= end;
}

/*
 * First fit: the lowest hole of at least SIZE bytes.  XNU searches its hole
 * list (vm_map_locate_space); lowest-first is the model's choice.
 */
bool
vm_map_find_space(const struct vm_map *m, uint64_t size, uint64_t *addr)
{
	uint64_t at = m->min;
	const struct vm_map_entry *e;

	for (e = m->first; e != NULL; e = e->next) {
		if (e->end <= at)
			continue;
		if (e->start >= at && e->start - at >= size)
			break;
		at = e->end;
	}
	if (at > m->max || m->max - at < size)
		return false;
	*addr = at;
	return true;
}

/* ---- coalescing and simplification --------------------------------------- */

/* Attributes that must be equal for two entries to become one (the user
 * tag only where the profile has tags). */
static bool
same_attributes(const struct vm_world *w, const struct vm_map_entry *a,
                const struct vm_map_entry *b)
{
	return a->prot == b->prot && a->max_prot == b->max_prot &&
	       a->inheritance == b->inheritance &&
	       (!w->prof->user_tags || a->user_tag == b->user_tag) &&
	       a->needs_copy == b->needs_copy && a->is_shared == b->is_shared &&
	       a->wired_count == b->wired_count;
}

/*
 * vm_map_simplify_entry(): merge B into its predecessor A when they touch,
 * map the same object (or both none) at contiguous offsets and agree on
 * every attribute.  The removed entry's object reference is dropped.
 */
static bool
simplify_pair(struct vm_world *w, struct vm_map *m, struct vm_map_entry *a,
              struct vm_map_entry *b)
{
	if (a == NULL || b == NULL || a->end != b->start)
		return false;
	if (a->object != b->object || a->offset + (a->end - a->start) != b->offset)
		return false;
	if (!same_attributes(w, a, b) || (a->present == NULL) != (b->present == NULL))
		return false;
	if (a->present != NULL) {
		uint64_t na = (a->end - a->start) >> w->page_shift;
		uint64_t nb = (b->end - b->start) >> w->page_shift;
		uint8_t *j = calloc(present_bytes(na + nb) ? present_bytes(na + nb) : 1, 1);

		if (j == NULL)
			abort();
		/* A's bits then B's (A's bitmap holds NA bits only). */
		for (uint64_t i = 0; i < na + nb; i++)
			if (i < na ? vm_entry_present(a, i) : vm_entry_present(b, i - na))
				j[i >> 3] |= (uint8_t)(1u << (i & 7));
		free(a->present);
		a->present = j;
	}
	a->end = b->end;
	vm_map_unlink(m, b);
	if (b->object != 0)
		vm_obj_deref(w, b->object);
	vm_map_entry_free(b);
	w->fx.flags |= VMFX_SIMPLIFIED;
	w->fx.entries_merged++;
	return true;
}

/* Re-merge entries around [start, end) after clipping operations. */
void
vm_map_simplify_range(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_map_entry *e = vm_map_first_at_or_after(m, start > 0 ? start - 1 : 0);

	if (e != NULL && e->prev != NULL)
		e = e->prev;
	while (e != NULL && e->start <= end) {
		if (!simplify_pair(w, m, e, e->next))
			e = e->next;
	}
}

/*
 * vm_object_coalesce(): may a NULL range of NEXT_SIZE bytes be glued after
 * PREV's object?  Only an anonymous object that nothing else sees: ref 1,
 * no pager, no shadow, no copy object, not true_share, not purgeable.
 */
static bool
object_may_extend(const struct vm_world *w, uint32_t id)
{
	const struct vm_object *o = vm_obj(w, id);

	if (o == NULL)
		return true;
	return o->ref_count == 1 && o->internal && o->shadow == 0 && o->copy == 0 &&
	       !o->true_share && !o->purgeable;
}

/*
 * May an entry with these attributes extend PREV (vm_map_enter's test)?
 * XNU's vm_map_enter (xnu-11417.101.15 osfmk/vm/vm_map.c) does not look at
 * the previous entry's needs_copy: vm_object_coalesce decides on the
 * object alone.  GNU Mach's vm_map_coalesce_entry wants needs_copy equal,
 * and the new entry's is clear.
 */
static bool
enter_compatible(const struct vm_world *w, const struct vm_map_entry *prev, int prot,
                 int max_prot, int inh, int tag)
{
	return !prev->is_shared && prev->wired_count == 0 && prev->prot == prot &&
	       prev->max_prot == max_prot && prev->inheritance == inh &&
	       (!w->prof->user_tags || prev->user_tag == tag) &&
	       (w->prof->coalesce == COALESCE_XNU || !prev->needs_copy);
}

/*
 * vm_object_coalesce(): grow PREV's object (if any) so that it covers the
 * entry grown by ADD, and remove any pages still in the new range from a
 * previous deallocation (vm_object_page_remove): the new memory is zero.
 */
static void
extend_object(struct vm_world *w, struct vm_map_entry *prev, uint64_t add)
{
	struct vm_object *o = vm_obj(w, prev->object);

	if (o != NULL) {
		uint64_t from = prev->offset + (prev->end - prev->start);
		uint64_t need = from + add;

		if (need > o->size)
			vm_obj_resize(w, o, need);
		vm_pages_clear(w, o, from >> w->page_shift,
		               (need >> w->page_shift) - (from >> w->page_shift));
	}
}

/*
 * Linux: an anonymous VMA's page offset is its address (vm_pgoff =
 * addr >> PAGE_SHIFT for a private anonymous mmap, mm/mmap.c do_mmap), so
 * a new anonymous range right below one always lines up with it, and
 * vma_merge takes it in when the neighbour's anon_vma is its own
 * (mm/vma.c is_mergeable_anon_vma, can_vma_merge_before, Linux v6.12).
 * The model's object offsets start at 0: give NEXT's object (referenced
 * by NEXT alone) DELTA bytes of room below by moving its pages up.
 */
static void
rebase_object(struct vm_world *w, struct vm_map_entry *next, uint64_t delta)
{
	struct vm_object *o = vm_obj(w, next->object);
	uint32_t dp = (uint32_t)(delta >> w->page_shift);

	vm_obj_resize(w, o, o->size + delta);
	vm_pages_own(o, o->nruns);
	for (uint32_t k = 0; k < o->nruns; k++)
		o->runs[k].pg += dp;
	next->offset += delta;
}

/*
 * Try to map [start, end) with a NULL object by extending a neighbour
 * instead of creating an entry.  The profile picks the policy:
 *  - XNU vm_map_enter(): extend the previous entry, if the merged size stays
 *    within NO_COALESCE_LIMIT and vm_object_coalesce() agrees;
 *  - Mach 3 / GNU Mach before 2023: the same without a size limit;
 *  - GNU Mach 2023 vm_map_coalesce_entry(): also forward, in front of an
 *    object when it has offset room below;
 *  - Linux vma_merge(): both neighbours, anonymous and unshared.
 */
static struct vm_map_entry *
enter_coalesce(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end,
               int prot, int max_prot, int inh, int tag)
{
	const struct vm_profile *p = w->prof;
	struct vm_map_entry *next = vm_map_first_at_or_after(m, start);
	struct vm_map_entry *prev = next != NULL ? next->prev : m->last;
	uint64_t size = end - start;

	if (p->coalesce == COALESCE_NONE)
		return NULL;
	/* vm_object_coalesce() tries vm_object_collapse() on the previous
	 * object first: a shadow that can collapse no longer blocks it. */
	if (prev != NULL && prev->end == start && enter_compatible(w, prev, prot, max_prot, inh, tag) &&
	    vm_obj(w, prev->object) != NULL && vm_obj(w, prev->object)->shadow != 0)
		vm_object_collapse(w, vm_obj(w, prev->object));
	if (prev != NULL && prev->end == start && enter_compatible(w, prev, prot, max_prot, inh, tag) &&
	    object_may_extend(w, prev->object)) {
		uint64_t merged = prev->end - prev->start + size;

		if ((p->coalesce_limit == 0 || merged <= p->coalesce_limit) &&
		    (merged >> w->page_shift) <= VM_MAX_REGION_PAGES) {
			extend_object(w, prev, size);
			prev->end = end;
			w->fx.flags |= VMFX_COALESCED;
			/* Forward policies may now glue the next entry too. */
			if (p->coalesce == COALESCE_GNUMACH_2023 || p->coalesce == COALESCE_LINUX)
				simplify_pair(w, m, prev, prev->next);
			return prev;
		}
	}
	if (p->coalesce == COALESCE_LINUX && next != NULL && next->start == end &&
	    next->object != 0 && next->offset < size && object_may_extend(w, next->object) &&
	    !vm_obj(w, next->object)->shadowed)
		rebase_object(w, next, size - next->offset);
	if ((p->coalesce == COALESCE_GNUMACH_2023 || p->coalesce == COALESCE_LINUX) &&
	    next != NULL && next->start == end &&
	    enter_compatible(w, next, prot, max_prot, inh, tag) &&
	    object_may_extend(w, next->object) &&
	    (next->object == 0 || next->offset >= size) &&
	    ((next->end - start) >> w->page_shift) <= VM_MAX_REGION_PAGES) {
		/* A NULL range in front of an object needs offset room below. */
		struct vm_map_entry *before = next->prev;

		next->start = start;
		if (next->object != 0) {
			struct vm_object *o = vm_obj(w, next->object);

			next->offset -= size;
			/* The new memory is zero: pages left in that part of the
			 * object by an earlier deallocation go (GNU Mach's
			 * vm_object_coalesce removes them, vm_object_page_remove,
			 * as for a range glued after an object). */
			vm_pages_clear(w, o, next->offset >> w->page_shift,
			               ((next->offset + size) >> w->page_shift) -
			               (next->offset >> w->page_shift));
		}
		(void)before;
		w->fx.flags |= VMFX_COALESCED_NEXT;
		return next;
	}
	return NULL;
}

/*
 * vm_map_enter(): map [start, end) (free, checked by the caller) to OBJECT
 * at OFFSET, taking over the caller's object reference.  A NULL-object
 * mapping may coalesce with a neighbour when MAY_COALESCE.
 */
struct vm_map_entry *
vm_map_enter(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end,
             uint32_t object, uint64_t offset, int prot, int max_prot, int inh, int tag,
             bool may_coalesce)
{
	struct vm_map_entry *e, *next;

	if (object == 0 && may_coalesce) {
		e = enter_coalesce(w, m, start, end, prot, max_prot, inh, tag);
		if (e != NULL)
			return e;
	}
	e = vm_map_entry_new();
	e->start = start;
	e->end = end;
	e->object = object;
	e->offset = offset;
	e->prot = (uint8_t)prot;
	e->max_prot = (uint8_t)max_prot;
	e->inheritance = (uint8_t)inh;
	e->user_tag = (uint16_t)tag;
	next = vm_map_first_at_or_after(m, start);
	vm_map_link(m, next != NULL ? next->prev : m->last, e);
	return e;
}

/*
 * vm_map_delete(): clip at both ends, unlink every entry inside
 * [start, end) and drop its object reference.
 */
void
vm_map_delete(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_map_entry *e = vm_map_first_at_or_after(m, start), *next;

	if (e != NULL && e->start < start)
		e = vm_map_clip_start(w, m, e, start);
	while (e != NULL && e->start < end) {
		if (e->end > end)
			vm_map_clip_end(w, m, e, end);
		next = e->next;
		vm_map_unlink(m, e);
		if (e->object != 0)
			vm_obj_deref(w, e->object);
		vm_map_entry_free(e);
		e = next;
	}
}

/* Build a balanced tree over V[lo, hi) (sorted); return its root. */
static struct vm_map_entry *
avl_build(struct vm_map_entry **v, size_t lo, size_t hi)
{
	size_t mid;
	struct vm_map_entry *n;

	if (lo >= hi)
		return NULL;
	mid = lo + (hi - lo) / 2;
	n = v[mid];
	n->left = avl_build(v, lo, mid);
	n->right = avl_build(v, mid + 1, hi);
	avl_fix(n);
	return n;
}

/*
 * Copy SRC's entries into the empty map DST (for world clones), in O(n):
 * into BLOCK (room for SRC's entries, owned by the clone), the list
 * linked in order and the tree built balanced.
 */
void
vm_map_clone_tree(const struct vm_map *src, struct vm_map *dst, unsigned page_shift,
                  struct vm_map_entry *block)
{
	const struct vm_map_entry *e;
	struct vm_map_entry **v, *prev = NULL;
	size_t i = 0;

	vm_map_init(dst, src->min, src->max);
	if (src->nentries == 0)
		return;
	v = malloc(src->nentries * sizeof *v);
	if (v == NULL)
		abort();
	for (e = src->first; e != NULL; e = e->next) {
		struct vm_map_entry *n = &block[i];

		*n = *e;
		n->in_arena = true;
		n->present = NULL;
		if (e->present != NULL)
			n->present = present_slice(e->present, 0, (e->end - e->start) >> page_shift);
		n->prev = prev;
		n->next = NULL;
		if (prev != NULL)
			prev->next = n;
		else
			dst->first = n;
		prev = n;
		v[i++] = n;
	}
	dst->last = prev;
	dst->nentries = i;
	dst->root = avl_build(v, 0, i);
	free(v);
}
