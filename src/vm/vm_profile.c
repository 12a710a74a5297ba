/* SPDX-License-Identifier: MIT */
/*
 * vm_profile.c -- the kernel profiles.
 *
 * A field's comment says why the kernel differs.  Where a value is an
 * inference rather than read from the kernel's source, it says "inferred";
 * docs/profiles.md explains each one at length.
 */
#include <string.h>

#include "vm_profile.h"

#define KiB 1024ull

/*
 * The malloc tags of vm_memory_malloc_no_cow_mask (xnu-11417.101.15
 * osfmk/vm/vm_map.c, set at boot when malloc_no_cow is on, as on macOS):
 * VM_MEMORY_MALLOC (1), _SMALL (2), _LARGE (3), _TINY (7),
 * _LARGE_REUSABLE (8), _LARGE_REUSED (9), _NANO (11), _MEDIUM (12).  The
 * list is from a reading of the source not quoted here (no source at
 * hand when it was written): _HUGE (4) and REALLOC (6) are left out of it.
 */
#define XNU_MALLOC_NO_COW_TAGS ((1ull << 1) | (1ull << 2) | (1ull << 3) | (1ull << 7) | \
                                (1ull << 8) | (1ull << 9) | (1ull << 11) | (1ull << 12))

/* XNU on Apple silicon (xnu-11417). */
static const struct vm_profile xnu_arm64 = {
	.name = "xnu-arm64",
	.summary = "macOS on Apple silicon: 16 KiB pages, 32 KiB OOL kernel-buffer threshold",
	.page_size = 16 * KiB,
	.map_min = 0x100000000ull,            /* above __PAGEZERO */
	.map_max = 0x7fffffe00000ull,
	.ool = OOL_XNU,
	.ool_kbuf_threshold = 32 * KiB,       /* msg_ool_size_small = KHEAP_MAX_SIZE */
	.coalesce = COALESCE_XNU,
	.coalesce_limit = 128 * KiB - 1,      /* NO_COALESCE_LIMIT in vm_map.c */
	.simplify_after_protect = true,       /* vm_map_simplify_entry after vm_map_protect */
	.simplify_after_inherit = false,      /* vm_map_inherit clips, never re-merges */
	.has_purgeable = true,
	.has_memory_entries = true,
	.file_named_ref = true,               /* UBC's named reference; inferred */
	.user_tags = true,                    /* vm_map_enter compares VME_ALIAS */
	.malloc_no_cow_tags = XNU_MALLOC_NO_COW_TAGS,
	.ool_dealloc_moves = false,          /* vm_map_copyin_internal copies, then deletes */
	.fork = FORK_MACH,
	.report = REPORT_MACH,
};

/* XNU on Intel. */
static const struct vm_profile xnu_x86_64 = {
	.name = "xnu-x86_64",
	.summary = "macOS on Intel: 4 KiB pages, 16 KiB OOL kernel-buffer threshold",
	.page_size = 4 * KiB,
	.map_min = 0x100000000ull,
	.map_max = 0x7fffffe00000ull,
	.ool = OOL_XNU,
	.ool_kbuf_threshold = 16 * KiB,
	.coalesce = COALESCE_XNU,
	.coalesce_limit = 128 * KiB - 1,
	.simplify_after_protect = true,
	.simplify_after_inherit = false,
	.has_purgeable = true,
	.has_memory_entries = true,
	.file_named_ref = true,
	.user_tags = true,
	.malloc_no_cow_tags = XNU_MALLOC_NO_COW_TAGS,
	.ool_dealloc_moves = false,
	.fork = FORK_MACH,
	.report = REPORT_MACH,
};

/* Textbook Mach 3.0 (CMU): inferred from the Mach papers and MK sources. */
static const struct vm_profile mach3 = {
	.name = "mach",
	.summary = "textbook Mach 3: copy-on-write everywhere, no kernel-buffer shortcut",
	.page_size = 4 * KiB,
	.map_min = 0x10000ull,
	.map_max = 0xc0000000ull,
	.ool = OOL_MACH,                      /* all OOL data via vm_map_copyin */
	.ool_kbuf_threshold = 0,
	.coalesce = COALESCE_BACKWARD_NULL,   /* vm_map_enter extends prev NULL entry */
	.coalesce_limit = 0,
	.simplify_after_protect = false,      /* no re-gluing after clipping */
	.simplify_after_inherit = false,
	.has_purgeable = false,               /* purgeable memory is an Apple addition */
	.has_memory_entries = false,          /* memory entries are an Apple addition */
	.file_named_ref = false,
	.user_tags = false,                   /* user tags (VM_FLAGS_ALIAS) are an Apple addition */
	.ool_dealloc_moves = true,           /* as GNU Mach: copyin with src_destroy */
	.fork = FORK_MACH,
	.report = REPORT_MACH,
};

/* GNU Mach before the 2023 forward-merging series. */
static const struct vm_profile gnumach_2022 = {
	.name = "gnumach-2022",
	.summary = "GNU Mach before 2023: backward-only NULL-object merging",
	.page_size = 4 * KiB,
	.map_min = 0x1000ull,
	.map_max = 0xc0000000ull,
	.ool = OOL_MACH,
	.ool_kbuf_threshold = 0,
	.coalesce = COALESCE_BACKWARD_NULL,   /* vm_map_enter + vm_object_coalesce */
	.coalesce_limit = 0,
	.simplify_after_protect = false,      /* "never gluing back" ("Forward merging entries", 2023) */
	.simplify_after_inherit = false,
	.has_purgeable = false,
	.has_memory_entries = false,
	.file_named_ref = false,
	.user_tags = false,                   /* GNU Mach entries carry no user tag */
	.ool_dealloc_moves = true,           /* vm_map_copyin(src_destroy) moves entries */
	.fork = FORK_MACH,
	.report = REPORT_MACH,
};

/* GNU Mach with vm_map_coalesce_entry (2023 series). */
static const struct vm_profile gnumach_2023 = {
	.name = "gnumach",
	.summary = "GNU Mach after 2023: forward merging, same-object merging, re-gluing",
	.page_size = 4 * KiB,
	.map_min = 0x1000ull,
	.map_max = 0xc0000000ull,
	.ool = OOL_MACH,
	.ool_kbuf_threshold = 0,
	.coalesce = COALESCE_GNUMACH_2023,    /* vm_map_coalesce_entry */
	.coalesce_limit = 0,
	.simplify_after_protect = true,       /* re-glue after vm_map_protect */
	.simplify_after_inherit = true,       /* ... and vm_map_inherit */
	.has_purgeable = false,
	.has_memory_entries = false,
	.file_named_ref = false,
	.user_tags = false,                   /* GNU Mach entries carry no user tag */
	.ool_dealloc_moves = true,
	.fork = FORK_MACH,
	.report = REPORT_MACH,
};

/* Linux (mm/), for comparison with recorded traces. */
static const struct vm_profile linux_prof = {
	.name = "linux",
	.summary = "Linux: per-page copy-on-write (mapcount), VMA merging, no aliased modes",
	.page_size = 4 * KiB,
	.map_min = 0x10000ull,                /* mmap_min_addr */
	.map_max = 0x7ffffffff000ull,
	.ool = OOL_LINUX,                     /* no OOL: process_vm_writev analogue */
	.ool_kbuf_threshold = 0,
	.coalesce = COALESCE_LINUX,           /* vma_merge */
	.coalesce_limit = 0,
	.simplify_after_protect = true,       /* mprotect_fixup -> vma_merge */
	.simplify_after_inherit = true,       /* madvise -> vma_merge */
	.has_purgeable = false,
	.has_memory_entries = true,           /* analogue: memfd + MAP_SHARED */
	.file_named_ref = false,
	.user_tags = false,                   /* no tags; anon VMA names are optional */
	.ool_dealloc_moves = false,          /* no OOL: process_vm_writev analogue */
	.fork = FORK_LINUX,                   /* copy_present_pte / do_wp_page */
	.report = REPORT_LINUX,
};

const struct vm_profile *const vm_profiles[] = {
	&xnu_arm64, &xnu_x86_64, &mach3, &gnumach_2022, &gnumach_2023, &linux_prof, NULL,
};

const struct vm_profile *const vm_profile_default = &xnu_arm64;

/* Find a profile by name. */
const struct vm_profile *
vm_profile_find(const char *name)
{
	for (size_t i = 0; vm_profiles[i] != NULL; i++)
		if (strcmp(vm_profiles[i]->name, name) == 0)
			return vm_profiles[i];
	return NULL;
}
