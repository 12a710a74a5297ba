/* SPDX-License-Identifier: MIT */
/*
 * vm_internal.h -- data structures shared by the vm_*.c files only.
 *
 * Objects live in a table indexed by their id (ids are never reused, so a
 * stale id reads as NULL).  An object's resident pages are kept as runs
 * (extents): pages [pg, pg+n) holding the consecutive frames
 * [frame, frame+n), all dirty or all clean, so a region whose pages do not
 * differ one by one costs one run however large it is.  A page slot, as
 * vm_page_get() returns it, is 0 when absent, else the frame id with
 * VM_PAGE_DIRTY or-ed in.  Frame ids are handed out in ascending order and
 * never reused; a frame held by one page slot -- always under the Mach
 * profiles -- needs no record; only frames held by more slots (the linux
 * profile, where fork shares frames between private objects) are kept, as
 * runs of equal count.
 *
 * A map is an AVL tree keyed by entry start plus a doubly linked list in
 * address order (like XNU's rb-tree + list), so lookups are O(log n) and
 * entry pointers stay valid across inserts.
 */
#ifndef VMSCOPE_VM_INTERNAL_H
#define VMSCOPE_VM_INTERNAL_H

#include "vm.h"
#include "vm_profile.h"

#define VM_PAGE_DIRTY 0x80000000u

/*
 * Model limits: one region of at most 2^28 pages (1 TiB of 4 KiB pages;
 * page runs count pages in 32 bits, and a linux shared mapping keeps one
 * presence bit per page), and at most 2^31 - 1 frame ids over the whole
 * replay (ids are never reused).  Past them an operation fails with
 * KERN_RESOURCE_SHORTAGE and changes nothing.
 */
#define VM_MAX_REGION_PAGES (1ull << 28)
#define VM_MAX_FRAME_ID 0x7fffffffu
#define VM_PAGE_FRAME(s) ((s) & ~VM_PAGE_DIRTY)

/* Resident pages [pg, pg+n) of an object: frames VM_PAGE_FRAME(slot) + i,
 * with slot's VM_PAGE_DIRTY for all of them. */
struct vm_prun {
	uint32_t pg, n, slot;
};

/* Frames [f, f+n), each held by REFS (>= 2) page slots. */
struct vm_frun {
	uint32_t f, n, refs;
};

struct vm_object {
	uint32_t id;
	uint32_t ref_count;        /* entries + shadows + named entries + copies */
	uint64_t size;             /* bytes */
	uint32_t shadow;           /* backing object id, 0 = none */
	uint64_t shadow_offset;
	uint32_t copy;             /* delayed-copy object (vo_copy), 0 = none */
	struct vm_prun *runs;      /* resident pages, sorted by pg, disjoint */
	uint32_t nruns, runs_cap;
	uint32_t npages;           /* pages the object covers (size rounded up) */
	uint32_t resident;         /* pages in runs */
	uint8_t copy_strategy;     /* enum vm_copy_strategy */
	bool internal;             /* anonymous; false: file (external pager) */
	bool true_share;
	bool shadowed;             /* some object shadows this one */
	bool purgeable;
	bool named;                /* file object held by the file cache */
	uint8_t arena;             /* VMO_ARENA_*: parts living in a clone's arena */
	int file;                  /* index into w->files, -1 if none */
};

/* Parts of an object allocated in bulk by vm_world_clone (never freed one
 * by one; the arena goes with the world). */
enum { VMO_ARENA_STRUCT = 1, VMO_ARENA_PAGES = 2 };

struct vm_map_entry {
	struct vm_map_entry *prev, *next;   /* address order */
	struct vm_map_entry *left, *right;  /* AVL by start */
	int height;
	uint64_t start, end;
	uint64_t offset;           /* into object */
	uint32_t object;           /* 0 = VM_OBJECT_NULL */
	uint8_t prot, max_prot, inheritance;
	bool needs_copy;
	bool is_shared;
	uint16_t user_tag;
	uint16_t wired_count;
	bool in_arena;             /* allocated in bulk by a clone */
	uint8_t *present;          /* linux shared mappings: page-table presence,
	                              one bit per page; NULL = not tracked */
};

/* A remembered lookup: valid while its gen is the map's. */
struct vm_map_hint {
	struct vm_map_entry *e;
	uint64_t gen;
};

struct vm_map {
	struct vm_map_entry *root, *first, *last;
	size_t nentries;
	uint64_t min, max;
	struct vm_map_hint *hints; /* lookup cache of a big map (NULL: none);
	                              a const lookup may fill it */
	uint32_t hint_mask;        /* slots - 1 */
	uint64_t gen;              /* bumped when an entry leaves the map */
};

struct vm_task {
	char *name;
	bool alive;
	struct vm_map map;
};

struct vm_named_entry {
	uint32_t object;           /* 0 once released */
	uint64_t offset, size;
	bool live;
};

struct vm_file {
	char *name;
	uint32_t object;           /* 0 when no mapping holds it */
};

struct vm_world {
	const struct vm_profile *prof;
	bool no_zero_page;         /* linux: read faults allocate (the machine said so) */
	bool page_at_a_time;       /* no runs of alike pages (the tests' reference) */
	uint32_t page_size;
	unsigned page_shift;
	struct vm_task *tasks;
	int ntasks, tasks_cap;
	struct vm_object **objs;   /* by id; [0] unused */
	uint32_t nobj_ids, objs_cap;
	size_t live_objects;
	struct vm_frun *shared_frames; /* frames held by 2+ slots, sorted */
	uint32_t nshared, shared_cap;
	uint32_t next_frame;       /* the next frame id (ids start at 1) */
	size_t live_frames;
	struct vm_named_entry *entries;
	int nentries, entries_cap;
	struct vm_file *files;
	int nfiles, files_cap;
	void *block;               /* a clone's entries, objects and runs */
	struct vm_effects fx;
};

/* vm_object.c */
struct vm_object *vm_obj(const struct vm_world *w, uint32_t id);
struct vm_object *vm_obj_new(struct vm_world *w, uint64_t size, bool internal);
void vm_obj_ref(struct vm_world *w, uint32_t id);
void vm_obj_deref(struct vm_world *w, uint32_t id);
void vm_obj_resize(struct vm_world *w, struct vm_object *o, uint64_t size);
void vm_page_set(struct vm_world *w, struct vm_object *o, uint64_t pg, uint32_t slot);
void vm_page_clear(struct vm_world *w, struct vm_object *o, uint64_t pg);
/* Find the page at byte offset OFF of object O down its shadow chain. */
struct vm_object *vm_page_lookup_chain(const struct vm_world *w, struct vm_object *o,
                                       uint64_t off, unsigned *depth, uint32_t *slot);

/* vm_pages.c: page runs and frames */
uint32_t vm_page_span(const struct vm_object *o, uint64_t pg, uint64_t *n);
uint32_t vm_page_get(const struct vm_object *o, uint64_t pg);
void vm_pages_set(struct vm_world *w, struct vm_object *o, uint64_t pg, uint64_t n,
                  uint32_t slot);
void vm_pages_clear(struct vm_world *w, struct vm_object *o, uint64_t pg, uint64_t n);
void vm_pages_dirty(struct vm_object *o, uint64_t pg, uint64_t n);
void vm_pages_own(struct vm_object *o, uint32_t need);
void vm_pages_release(struct vm_world *w, struct vm_object *o);
uint32_t vm_frames_new(struct vm_world *w, uint64_t n);
bool vm_frames_available(const struct vm_world *w, uint64_t n);
void vm_frames_adjust(struct vm_world *w, uint32_t f, uint64_t n, int delta);
uint32_t vm_frame_refs(const struct vm_world *w, uint32_t f, uint64_t *n);
struct vm_object *vm_chain_span(const struct vm_world *w, struct vm_object *o, uint64_t off,
                                uint64_t *n, unsigned *depth, uint32_t *slot);
void vm_object_collapse(struct vm_world *w, struct vm_object *o);
bool vm_object_shadow(struct vm_world *w, struct vm_map_entry *e, bool always);
struct vm_object *vm_object_copy_slowly(struct vm_world *w, struct vm_object *src,
                                        uint64_t off, uint64_t size);
struct vm_object *vm_object_copy_delayed(struct vm_world *w, struct vm_object *src,
                                         uint64_t off, uint64_t size);
void vm_object_push_page(struct vm_world *w, struct vm_object *o, uint64_t off);
void vm_object_push_pages(struct vm_world *w, struct vm_object *o, uint64_t off, uint64_t n);

/* vm_map.c */
void vm_map_init(struct vm_map *m, uint64_t min, uint64_t max);
void vm_map_destroy(struct vm_world *w, struct vm_map *m);
struct vm_map_entry *vm_map_entry_new(void);
void vm_map_entry_free(struct vm_map_entry *e);
void vm_entry_track_presence(struct vm_world *w, struct vm_map_entry *e, bool resident_present);
static inline bool
vm_entry_present(const struct vm_map_entry *e, uint64_t i)
{
	return e->present == NULL || (e->present[i >> 3] >> (i & 7)) & 1;
}
static inline void
vm_entry_set_present(struct vm_map_entry *e, uint64_t i)
{
	if (e->present != NULL)
		e->present[i >> 3] |= (uint8_t)(1u << (i & 7));
}
struct vm_map_entry *vm_map_lookup(const struct vm_map *m, uint64_t addr);
struct vm_map_entry *vm_map_first_at_or_after(const struct vm_map *m, uint64_t addr);
void vm_map_link(struct vm_map *m, struct vm_map_entry *after, struct vm_map_entry *e);
void vm_map_unlink(struct vm_map *m, struct vm_map_entry *e);
void vm_map_hints_fit(struct vm_map *m);
struct vm_map_entry *vm_map_lookup_tree(const struct vm_map *m, uint64_t addr);
struct vm_map_entry *vm_map_entry_at(const struct vm_map *m, size_t i);
struct vm_map_entry *vm_map_clip_start(struct vm_world *w, struct vm_map *m,
                                       struct vm_map_entry *e, uint64_t addr);
void vm_map_clip_end(struct vm_world *w, struct vm_map *m, struct vm_map_entry *e,
                     uint64_t addr);
bool vm_map_range_mapped(const struct vm_map *m, uint64_t start, uint64_t end);
bool vm_map_find_space(const struct vm_map *m, uint64_t size, uint64_t *addr);
bool vm_map_range_free(const struct vm_map *m, uint64_t start, uint64_t end);
void vm_map_simplify_range(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end);
struct vm_map_entry *vm_map_enter(struct vm_world *w, struct vm_map *m, uint64_t start,
                                  uint64_t end, uint32_t object, uint64_t offset,
                                  int prot, int max_prot, int inh, int tag, bool may_coalesce);
void vm_map_delete(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end);
void vm_map_clone_tree(const struct vm_map *src, struct vm_map *dst, unsigned page_shift,
                       struct vm_map_entry *block);

#endif
