/* SPDX-License-Identifier: MIT */
/*
 * vm_profile.h -- kernel profiles as data.
 *
 * Each difference between the kernels the model can imitate is one named
 * policy field here with a one-line reason in vm_profile.c; the model code
 * asks the profile, it never tests a profile's name.
 */
#ifndef VMSCOPE_VM_PROFILE_H
#define VMSCOPE_VM_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

enum vm_coalesce_policy {
	COALESCE_NONE,           /* never extend entries */
	COALESCE_XNU,            /* vm_map_enter: extend prev, size-limited */
	COALESCE_BACKWARD_NULL,  /* Mach 3 / GNU Mach < 2023: extend prev only */
	COALESCE_GNUMACH_2023,   /* vm_map_coalesce_entry: both ways, same object */
	COALESCE_LINUX,          /* vma_merge: both ways, same anon state */
};

enum vm_fork_model {
	FORK_MACH,   /* vm_map_fork: copy-on-write by object (needs_copy) */
	FORK_LINUX,  /* copy_present_pte: copy-on-write by page (mapcount) */
};

enum vm_ool_model {
	OOL_XNU,       /* kernel buffer <= threshold, eager physical, copyin */
	OOL_MACH,      /* every OOL region goes through vm_map_copyin */
	OOL_LINUX,     /* analogue: process_vm_writev into a fresh mapping */
};

enum vm_report_model {
	REPORT_MACH,   /* vm_map_region_walk */
	REPORT_LINUX,  /* derived from page map counts (docs/recording.md) */
};

struct vm_profile {
	const char *name;
	const char *summary;
	uint32_t page_size;
	uint64_t map_min, map_max;        /* user address range */
	enum vm_ool_model ool;
	uint64_t ool_kbuf_threshold;      /* msg_ool_size_small */
	enum vm_coalesce_policy coalesce;
	uint64_t coalesce_limit;          /* NO_COALESCE_LIMIT; 0 = none */
	bool simplify_after_protect;      /* re-merge after vm_protect */
	bool simplify_after_inherit;      /* re-merge after vm_inherit */
	bool has_purgeable;               /* VM_FLAGS_PURGABLE exists */
	bool has_memory_entries;          /* mach_make_memory_entry exists */
	bool file_named_ref;              /* the file cache holds a named ref */
	bool user_tags;                   /* entries with other tags never merge */
	uint64_t malloc_no_cow_tags;      /* bit T: an allocation with user tag T gets its
	                                     object at once, COPY_DELAY_FORK, true_share */
	bool ool_dealloc_moves;           /* OOL with deallocate moves the source's
	                                     entries (GNU Mach) instead of copying
	                                     and then deleting them (XNU) */
	enum vm_fork_model fork;
	enum vm_report_model report;
};

/* The built-in profiles, NULL-terminated. */
extern const struct vm_profile *const vm_profiles[];
const struct vm_profile *vm_profile_find(const char *name);
extern const struct vm_profile *const vm_profile_default;

#endif
