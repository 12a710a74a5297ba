/* SPDX-License-Identifier: MIT */
/*
 * vm_internal.h -- data structures shared by the vm_*.c files only.
 *
 * Objects live in a table indexed by their id (ids are never reused, so a
 * stale id reads as NULL).  A page slot is a 32-bit word: 0 when absent,
 * else the physical frame id with VM_PAGE_DIRTY or-ed in.  Frames carry a
 * count of the slots holding them (1 under Mach profiles; more under the
 * linux profile, where fork shares frames between private objects).
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
 * Model limits, so that a hostile trace cannot exhaust memory: one region
 * of at most 2^24 pages (64 GiB of 4 KiB pages), at most 2^26 resident
 * frames in the world.  Past them an operation fails with
 * KERN_RESOURCE_SHORTAGE and changes nothing.
 */
#define VM_MAX_REGION_PAGES (1ull << 24)
#define VM_MAX_FRAMES (1ull << 26)
#define VM_PAGE_FRAME(s) ((s) & ~VM_PAGE_DIRTY)
/* frame_refs[f] of a free frame id: this bit, or-ed with the next free id. */
#define VM_FRAME_FREE 0x80000000u

struct vm_object {
	uint32_t id;
	uint32_t ref_count;        /* entries + shadows + named entries + copies */
	uint64_t size;             /* bytes */
	uint32_t shadow;           /* backing object id, 0 = none */
	uint64_t shadow_offset;
	uint32_t copy;             /* delayed-copy object (vo_copy), 0 = none */
	uint32_t *pages;           /* size / page_size slots */
	uint32_t npages;           /* slots allocated */
	uint32_t resident;         /* slots in use */
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

struct vm_map {
	struct vm_map_entry *root, *first, *last;
	size_t nentries;
	uint64_t min, max;
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
	uint32_t page_size;
	unsigned page_shift;
	struct vm_task *tasks;
	int ntasks, tasks_cap;
	struct vm_object **objs;   /* by id; [0] unused */
	uint32_t nobj_ids, objs_cap;
	size_t live_objects;
	uint32_t *frame_refs;      /* by frame id; [0] unused; VM_FRAME_FREE: free */
	uint32_t free_frame;       /* first free frame id, 0 = none */
	uint32_t nframe_ids, frames_cap;
	size_t live_frames;
	struct vm_named_entry *entries;
	int nentries, entries_cap;
	struct vm_file *files;
	int nfiles, files_cap;
	void **arenas;             /* bulk blocks of a clone, freed with it */
	int narenas, arenas_cap;
	struct vm_effects fx;
};

/* vm_object.c */
struct vm_object *vm_obj(const struct vm_world *w, uint32_t id);
struct vm_object *vm_obj_new(struct vm_world *w, uint64_t size, bool internal);
void vm_obj_ref(struct vm_world *w, uint32_t id);
void vm_obj_deref(struct vm_world *w, uint32_t id);
void vm_obj_resize(struct vm_world *w, struct vm_object *o, uint64_t size);
uint32_t vm_frame_new(struct vm_world *w);
void vm_frame_unref(struct vm_world *w, uint32_t frame);
void vm_page_set(struct vm_world *w, struct vm_object *o, uint64_t pg, uint32_t slot);
void vm_page_clear(struct vm_world *w, struct vm_object *o, uint64_t pg);
static inline uint32_t
vm_page_get(const struct vm_object *o, uint64_t pg)
{
	return pg < o->npages ? o->pages[pg] : 0;
}
/* Find the page at byte offset OFF of object O down its shadow chain. */
struct vm_object *vm_page_lookup_chain(const struct vm_world *w, struct vm_object *o,
                                       uint64_t off, unsigned *depth, uint32_t *slot);
void vm_object_collapse(struct vm_world *w, struct vm_object *o);
bool vm_object_shadow(struct vm_world *w, struct vm_map_entry *e, bool always);
struct vm_object *vm_object_copy_slowly(struct vm_world *w, struct vm_object *src,
                                        uint64_t off, uint64_t size);
struct vm_object *vm_object_copy_delayed(struct vm_world *w, struct vm_object *src,
                                         uint64_t off, uint64_t size);
void vm_object_push_page(struct vm_world *w, struct vm_object *o, uint64_t off);

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
struct vm_map_entry *vm_map_clone_tree(const struct vm_map *src, struct vm_map *dst,
                                       unsigned page_shift);
void vm_world_add_arena(struct vm_world *w, void *block);

#endif
