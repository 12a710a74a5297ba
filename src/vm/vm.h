/* SPDX-License-Identifier: MIT */
/*
 * vm.h -- the Mach/XNU virtual memory model: public interface.
 *
 * A "world" holds tasks (each with one address map), VM objects with their
 * shadow chains and resident pages, named memory entries, mapped files and
 * the physical frame table, all under one kernel profile (vm_profile.h).
 * Every operation returns a kern_return_t; a bad request is a failed step
 * with a status, never a crash.  This layer knows nothing of curses or JSON.
 *
 * Addresses and sizes are bytes.  Tasks are small integers (index into the
 * world's task table), objects are identified by a never-reused id (0 means
 * VM_OBJECT_NULL).
 */
#ifndef VMSCOPE_VM_H
#define VMSCOPE_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* mach/kern_return.h values. */
typedef enum {
	KERN_SUCCESS = 0,
	KERN_INVALID_ADDRESS = 1,
	KERN_PROTECTION_FAILURE = 2,
	KERN_NO_SPACE = 3,
	KERN_INVALID_ARGUMENT = 4,
	KERN_FAILURE = 5,
	KERN_RESOURCE_SHORTAGE = 6,
	KERN_INVALID_NAME = 15,
	KERN_INVALID_TASK = 16,
	KERN_NOT_SUPPORTED = 46,
} kern_return_t;

const char *vm_kr_name(kern_return_t kr);

enum { VM_PROT_NONE = 0, VM_PROT_READ = 1, VM_PROT_WRITE = 2, VM_PROT_EXECUTE = 4,
       VM_PROT_ALL = 7 };

/* mach/vm_inherit.h values. */
enum vm_inherit { VM_INHERIT_SHARE = 0, VM_INHERIT_COPY = 1, VM_INHERIT_NONE = 2 };

/* mach/vm_region.h share modes. */
enum vm_share_mode {
	SM_COW = 1, SM_PRIVATE = 2, SM_EMPTY = 3, SM_SHARED = 4, SM_TRUESHARED = 5,
	SM_PRIVATE_ALIASED = 6, SM_SHARED_ALIASED = 7, SM_LARGE_PAGE = 8,
};

/* memory_object_copy_strategy_t, the ones the model uses. */
enum vm_copy_strategy { COPY_SYMMETRIC, COPY_DELAY, COPY_NONE, COPY_DELAY_FORK };

/* vm_allocate flags (mach/vm_statistics.h). */
enum { VM_FLAGS_FIXED = 0, VM_FLAGS_ANYWHERE = 1, VM_FLAGS_PURGABLE = 2 };

const char *vm_share_mode_name(int sm);   /* "SM_COW" */
const char *vm_share_mode_abbrev(int sm); /* vmmap's "COW", "PRV", "NUL", ... */
const char *vm_inherit_name(int inh);     /* "share" | "copy" | "none" */
const char *vm_copy_strategy_name(int cs);
void vm_prot_str(int prot, char out[4]);  /* "rw-" */
int vm_prot_parse(const char *s);         /* "rw-" -> bits, -1 on error */

struct vm_profile;
struct vm_world;

/*
 * What the last operation did, for narration and tests.  Filled by every
 * operation (zeroed first).
 */
enum vm_effect_flag {
	VMFX_OBJECT_CREATED   = 1u << 0,  /* a NULL entry got its object */
	VMFX_ZERO_FILL        = 1u << 1,  /* pages zero-filled */
	VMFX_COW_COPY         = 1u << 2,  /* pages copied up a shadow chain */
	VMFX_SHADOW_CREATED   = 1u << 3,  /* vm_object_shadow made a shadow */
	VMFX_SHADOW_SKIPPED   = 1u << 4,  /* needs_copy cleared, no shadow */
	VMFX_COLLAPSED        = 1u << 5,  /* vm_object_collapse merged objects */
	VMFX_BYPASSED         = 1u << 6,  /* a shadow bypassed its backing object */
	VMFX_COALESCED        = 1u << 7,  /* an entry was extended instead of created */
	VMFX_CLIPPED          = 1u << 8,  /* entries were split */
	VMFX_SIMPLIFIED       = 1u << 9,  /* entries were merged back */
	VMFX_KERNEL_BUFFER    = 1u << 10, /* OOL: vm_map_copyin_kernel_buffer */
	VMFX_COPY_QUICKLY     = 1u << 11, /* symmetric copy-on-write */
	VMFX_COPY_SLOWLY      = 1u << 12, /* vm_object_copy_slowly */
	VMFX_COPY_DELAYED     = 1u << 13, /* vm_object_copy_delayed (copy object) */
	VMFX_EAGER_COPY       = 1u << 14, /* OOL physical: kernel-map buffer */
	VMFX_PUSHED           = 1u << 15, /* pages pushed into a copy object */
	VMFX_OBJECT_FREED     = 1u << 16,
	VMFX_PURGEABLE_IGNORED= 1u << 17, /* profile has no purgeable memory */
	VMFX_PAGES_FAULTED_IN = 1u << 18, /* a read made pages resident */
	VMFX_SOURCE_REMOVED   = 1u << 19, /* OOL deallocate removed the source */
	VMFX_FRAME_REUSED     = 1u << 20, /* linux: do_wp_page reused a page */
	VMFX_LINUX_ANALOGUE   = 1u << 21, /* op modelled by its Linux analogue */
	VMFX_HOLES_SKIPPED    = 1u << 22, /* deallocate range had holes */
	VMFX_MOVED            = 1u << 23, /* OOL deallocate moved the object */
	VMFX_PAGED_IN         = 1u << 24, /* file pages read from the pager */
	VMFX_ZERO_PAGE        = 1u << 25, /* linux: a read mapped the zero page */
	VMFX_OOL_RECEIVED     = 1u << 26, /* OOL: see desc_physical/desc_dealloc */
	VMFX_COALESCED_NEXT   = 1u << 27, /* the range was joined to the next entry's front */
	VMFX_MALLOC_NO_COW    = 1u << 28, /* a malloc tag: object at once, DELAY_FORK */
};

struct vm_effects {
	uint32_t flags;            /* enum vm_effect_flag */
	uint32_t pages_zero_filled;
	uint32_t pages_copied;     /* COW copies, copy_slowly, eager copy */
	uint32_t pages_pushed;
	uint32_t objects_created;
	uint32_t objects_freed;
	uint32_t entries_clipped;
	uint32_t entries_merged;
	uint64_t addr;             /* address chosen (allocate, ool, map_*) */
	int task;                  /* child task of fork, receiver of ool */
	int entry;                 /* memory entry made */
	/* OOL: what the receiver's descriptor says (ipc_kmsg_copyout_ool_
	 * descriptor keeps the sender's copy option and sets deallocate to
	 * copy == VIRTUAL, whatever the sender asked). */
	bool desc_physical, desc_dealloc;
};

/* ---- world ---------------------------------------------------------- */

/* Create an empty world under profile P with the given page size (0: the
 * profile's).  Returns NULL when the page size is not a power of two >= 4096. */
struct vm_world *vm_world_new(const struct vm_profile *p, uint32_t page_size);
void vm_world_free(struct vm_world *w);
/* Linux profiles: whether a read fault on untouched anonymous memory maps
 * the shared zero page (true, the default: mm/memory.c do_anonymous_page)
 * or allocates a zeroed page, as on a machine whose recording said so. */
void vm_world_set_zero_page(struct vm_world *w, bool on);
/* Resolve, fault and count pages one at a time instead of by runs of
 * alike pages: the reference the runs are tested against (tests only). */
void vm_world_set_page_at_a_time(struct vm_world *w, bool on);
/* Deep copy, for replay checkpoints. */
struct vm_world *vm_world_clone(const struct vm_world *w);
const struct vm_profile *vm_world_profile(const struct vm_world *w);
uint32_t vm_world_page_size(const struct vm_world *w);
const struct vm_effects *vm_world_effects(const struct vm_world *w);
/* Number of live VM objects and resident frames (for the status line). */
size_t vm_world_nobjects(const struct vm_world *w);
size_t vm_world_nframes(const struct vm_world *w);

/* ---- tasks ---------------------------------------------------------- */

/* Create a task with an empty map; returns its index or -1. */
int vm_task_create(struct vm_world *w, const char *name);
int vm_task_find(const struct vm_world *w, const char *name);
int vm_task_count(const struct vm_world *w);
const char *vm_task_name(const struct vm_world *w, int task);
bool vm_task_alive(const struct vm_world *w, int task);
size_t vm_task_nentries(const struct vm_world *w, int task);

/* ---- operations ------------------------------------------------------ */

/* vm_allocate / vm_map(NULL object).  FLAGS: VM_FLAGS_ANYWHERE, _PURGABLE.
 * *ADDR is the fixed address, or receives the chosen one. */
kern_return_t vm_op_allocate(struct vm_world *w, int task, uint64_t *addr,
                             uint64_t size, int flags, int tag);
kern_return_t vm_op_deallocate(struct vm_world *w, int task, uint64_t addr, uint64_t size);
/* Touch every page of [addr, addr+size) for writing or reading (vm_fault). */
kern_return_t vm_op_write(struct vm_world *w, int task, uint64_t addr, uint64_t size);
kern_return_t vm_op_read(struct vm_world *w, int task, uint64_t addr, uint64_t size);
/* fork(): a new task named CHILD; *child_out receives its index. */
kern_return_t vm_op_fork(struct vm_world *w, int task, const char *child, int *child_out);
kern_return_t vm_op_inherit(struct vm_world *w, int task, uint64_t addr, uint64_t size, int inh);
/* vm_protect; SET_MAX sets max_protection (which may only shrink). */
kern_return_t vm_op_protect(struct vm_world *w, int task, uint64_t addr, uint64_t size,
                            bool set_max, int prot);
/* Send [addr, addr+size) of FROM out-of-line to TO; *out_addr receives the
 * receiver's address. */
kern_return_t vm_op_ool_send(struct vm_world *w, int from, int to, uint64_t addr,
                             uint64_t size, bool physical, bool dealloc, uint64_t *out_addr);
/* mach_make_memory_entry_64 (share, rw); *entry_out receives its id. */
kern_return_t vm_op_make_memory_entry(struct vm_world *w, int task, uint64_t addr,
                                      uint64_t size, int *entry_out);
/* mach_vm_map of a memory entry, anywhere. */
kern_return_t vm_op_map_entry(struct vm_world *w, int task, int entry, uint64_t *addr_out);
/* mach_port_deallocate of the entry's send right. */
kern_return_t vm_op_release_entry(struct vm_world *w, int entry);
/* mmap of FILE (created on first use, FILE_SIZE bytes); shared unless PRIV;
 * at *AT when AT is not NULL (the range must be free), else anywhere. */
kern_return_t vm_op_map_file(struct vm_world *w, int task, const char *file,
                             uint64_t offset, uint64_t size, bool priv, const uint64_t *at,
                             uint64_t *addr_out);
kern_return_t vm_op_exit(struct vm_world *w, int task);
/* exec: the task stays, its address space is replaced by an empty one. */
kern_return_t vm_op_exec(struct vm_world *w, int task);

/* ---- reports ---------------------------------------------------------- */

/* One map entry as vm_region(VM_REGION_EXTENDED_INFO) reports it. */
struct vm_region_info {
	uint64_t start, end;
	uint64_t offset;           /* into the top object */
	uint32_t object;           /* top object id, 0 = none */
	uint8_t prot, max_prot, inheritance;
	bool needs_copy, is_shared, external, purgeable, true_share;
	uint16_t user_tag;
	uint8_t share_mode;        /* enum vm_share_mode */
	uint8_t top_share_mode;    /* VM_REGION_TOP_INFO's second opinion */
	uint32_t ref_count;
	uint32_t pages_resident;
	uint32_t pages_dirtied;
	uint32_t pages_shared_now_private;
	uint32_t shadow_depth;
	/* vmscope's page classification (vm_region_pages), all profiles: */
	uint32_t pages_cow;        /* resident, shared copy-on-write now */
	uint32_t pages_shared;     /* resident, truly shared */
};

/* Number of entries of TASK and the report of the I-th (0-based, address
 * order).  Returns false past the end. */
bool vm_region_get(const struct vm_world *w, int task, size_t i, struct vm_region_info *out);
/* Report of the entry containing ADDR. */
bool vm_region_at(const struct vm_world *w, int task, uint64_t addr, struct vm_region_info *out);

/* Per-page view of an entry, for page strips and the gutter. */
enum vm_page_kind { VMPG_ABSENT, VMPG_PRIVATE, VMPG_COW, VMPG_SHARED };
struct vm_page_info {
	uint32_t frame;   /* physical frame id, 0 when absent */
	uint8_t kind;     /* enum vm_page_kind */
	uint8_t dirty;
	uint8_t depth;    /* shadow depth where the page was found */
};
/* Pages [first, first + n) of a region that classify alike: PI is the
 * first page's, and the frames of the others follow it one by one (or are
 * all absent). */
struct vm_page_run {
	uint64_t first, n;
	struct vm_page_info pi;
};
/* Fill up to MAX runs of the I-th entry of TASK, in page order; returns how
 * many runs its pages make (which may exceed MAX).  A region whose pages
 * do not differ one by one is a few runs however large it is. */
size_t vm_region_page_runs(const struct vm_world *w, int task, size_t i,
                           struct vm_page_run *out, size_t max);
/* Fill up to MAX pages of the I-th entry of TASK; returns how many pages the
 * entry has (which may exceed MAX). */
size_t vm_region_pages(const struct vm_world *w, int task, size_t i,
                       struct vm_page_info *out, size_t max);

/* One VM object, for the detail view. */
struct vm_object_info {
	uint32_t id;
	uint32_t ref_count;
	uint64_t size;
	uint32_t shadow;           /* 0 = none */
	uint64_t shadow_offset;
	uint32_t copy;             /* copy object (delayed copy), 0 = none */
	uint32_t resident;
	uint8_t copy_strategy;
	bool internal, true_share, shadowed, purgeable, named;
	const char *file;          /* for external objects, else NULL */
};
bool vm_object_get(const struct vm_world *w, uint32_t id, struct vm_object_info *out);
/* Object ids are below this bound (vm_object_get is false for freed ids). */
uint32_t vm_world_object_limit(const struct vm_world *w);

/* One reference counted in an object's ref_count (vm_holders.c). */
enum vm_holder_kind {
	VMH_ENTRY,          /* a map entry of TASK, START-END */
	VMH_MEMORY_ENTRY,   /* memory entry ID (as vm_op_make_memory_entry returned it) */
	VMH_SHADOW,         /* object ID shadows it */
	VMH_FILE_CACHE,     /* the file cache holds a mapped file's object */
};
struct vm_holder {
	uint8_t kind;              /* enum vm_holder_kind */
	int task;                  /* VMH_ENTRY, else -1 */
	uint64_t start, end;       /* VMH_ENTRY */
	uint32_t id;               /* VMH_MEMORY_ENTRY, VMH_SHADOW */
};
/* Fill up to MAX holders of object ID (entries in task and address order,
 * then memory entries, shadowing objects, the file cache); returns how many
 * there are, which equals its ref_count (vm_world_check). */
size_t vm_object_holders(const struct vm_world *w, uint32_t id, struct vm_holder *out, size_t max);
/* Every holder of every object in one pass (the same order per object as
 * vm_object_holders): FN(CTX, OBJECT, HOLDER).  For views of many objects. */
void vm_world_holders(const struct vm_world *w, void (*fn)(void *ctx, uint32_t object,
                                                            const struct vm_holder *h), void *ctx);

/* Check the model's invariants (ref counts equal to the references that
 * exist, entries sorted and non-overlapping, frames accounted).  Returns
 * true when they hold, else writes a message.  Used by tests and --debug. */
bool vm_world_check(const struct vm_world *w, char *msg, size_t msglen);

#endif
