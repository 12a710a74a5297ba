/* SPDX-License-Identifier: MIT */
/*
 * test_vm.c -- unit tests of the VM model, one block per operation and per
 * reachable share mode.  Expected values come from the kernel rules
 * (docs/model.md) and the article "XNU IPC - OOL data and virtual memory",
 * never from running the model.  After every operation the world's
 * invariants are checked (ref counts equal to the references that exist).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vm/mem_populate.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

#define KB 1024ull

static struct vm_world *W;

/* Check the invariants of the current world. */
static void
check_world(const char *what)
{
	char msg[256];

	if (!vm_world_check(W, msg, sizeof msg))
		ok(0, "invariants after %s: %s", what, msg);
}

static struct vm_region_info
region(int task, uint64_t addr)
{
	struct vm_region_info ri;

	memset(&ri, 0, sizeof ri);
	if (!vm_region_at(W, task, addr, &ri))
		ri.share_mode = 0;
	return ri;
}

#define EXPECT(task, addr, sm, ref, res, what) do { \
	struct vm_region_info r_ = region(task, addr); \
	is_str(vm_share_mode_name(r_.share_mode), vm_share_mode_name(sm), "%s: share mode", what); \
	is_int(r_.ref_count, ref, "%s: ref_count", what); \
	is_int(r_.pages_resident, res, "%s: pages_resident", what); \
} while (0)

static void
world(const char *profile)
{
	vm_world_free(W);
	W = vm_world_new(vm_profile_find(profile), 0);
	if (W == NULL) {
		printf("Bail out! no profile %s\n", profile);
		exit(1);
	}
}

/* The fork experiment of "XNU IPC - OOL data and virtual memory", field by field. */
static void
test_fork_lifecycle(void)
{
	uint64_t a = 0;
	int p, c;

	world("xnu-arm64");
	p = vm_task_create(W, "parent");
	is_int(vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0), KERN_SUCCESS, "fork: allocate");
	EXPECT(p, a, SM_EMPTY, 0, 0, "fork: after allocate");
	is_int(vm_op_write(W, p, a, 1), KERN_SUCCESS, "fork: parent write");
	EXPECT(p, a, SM_PRIVATE, 1, 1, "fork: after write");
	is_int(vm_op_fork(W, p, "child", &c), KERN_SUCCESS, "fork: fork");
	ok(vm_world_effects(W)->flags & VMFX_COPY_QUICKLY, "fork: vm_object_copy_quickly used");
	EXPECT(p, a, SM_COW, 2, 1, "fork: parent after fork");
	EXPECT(c, a, SM_COW, 2, 1, "fork: child after fork");
	is_int(vm_op_write(W, c, a, 1), KERN_SUCCESS, "fork: child write");
	ok(vm_world_effects(W)->flags & VMFX_SHADOW_CREATED, "fork: child write made a shadow");
	ok(vm_world_effects(W)->flags & VMFX_BYPASSED, "fork: shadow bypassed the original");
	EXPECT(c, a, SM_PRIVATE, 1, 1, "fork: child after its write");
	EXPECT(p, a, SM_COW, 1, 1, "fork: parent after child's write");
	is_int(vm_op_read(W, p, a, 1), KERN_SUCCESS, "fork: parent read");
	EXPECT(p, a, SM_COW, 1, 1, "fork: parent after read");
	is_int(vm_op_write(W, p, a, 1), KERN_SUCCESS, "fork: parent write");
	ok(vm_world_effects(W)->flags & VMFX_SHADOW_SKIPPED, "fork: parent write skipped the shadow");
	is_int(vm_world_effects(W)->pages_copied, 0, "fork: parent write copied nothing");
	EXPECT(p, a, SM_PRIVATE, 1, 1, "fork: parent after its write");
	check_world("fork lifecycle");
}

/* Shadow depth is the deepest level a page lookup reached (vm_map_region_walk). */
static void
test_shadow_depth(void)
{
	uint64_t a = 0;
	int p, c;
	struct vm_region_info r;

	world("xnu-x86_64");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 4 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 4 * 4 * KB);
	vm_op_fork(W, p, "c", &c);
	vm_op_write(W, c, a, 1);                    /* one of four pages */
	r = region(c, a);
	is_str(vm_share_mode_name(r.share_mode), "SM_COW", "depth: child partly copied is COW");
	is_int(r.shadow_depth, 1, "depth: lookups reached depth 1");
	is_int(r.ref_count, 1 + (2 - 1), "depth: ref = ref(top) + ref(shadow) - 1");
	is_int(r.pages_resident, 4, "depth: all four pages resident through the chain");
	is_int(r.pages_dirtied, 4, "depth: dirty pages counted where found");
	vm_op_write(W, c, a, 4 * 4 * KB);           /* now every page is in the top */
	r = region(c, a);
	is_int(r.shadow_depth, 0, "depth: 0 once every page is in the top object");
	is_str(vm_share_mode_name(r.share_mode), "SM_PRIVATE", "depth: bypass leaves child private");
	r = region(p, a);
	is_str(vm_share_mode_name(r.share_mode), "SM_COW", "depth: parent still needs_copy");
	is_int(r.ref_count, 1, "depth: parent's object back to ref 1");
	check_world("shadow depth");
}

/* XNU coalescing on enter, with NO_COALESCE_LIMIT. */
static void
test_coalesce_xnu(void)
{
	uint64_t a = 0, b = 0;
	int t;

	world("xnu-arm64");
	t = vm_task_create(W, "t");
	vm_op_allocate(W, t, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, t, a, 1);
	vm_op_allocate(W, t, &b, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	is_int(b, a + 16 * KB, "coalesce: second allocation is adjacent");
	ok(vm_world_effects(W)->flags & VMFX_COALESCED, "coalesce: effect reported");
	is_int(vm_task_nentries(W, t), 1, "coalesce: one entry");
	is_int(region(t, a).end - region(t, a).start, 32 * KB, "coalesce: entry grew to 32K");
	for (int i = 0; i < 6; i++)
		vm_op_allocate(W, t, &b, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	/* 7 pages = 112K <= 128K-1; the 8th would make 128K > limit. */
	is_int(vm_task_nentries(W, t), 2, "coalesce: NO_COALESCE_LIMIT stops at 7 pages");
	is_int(region(t, a).end - region(t, a).start, 7 * 16 * KB, "coalesce: first entry 112K");
	/* Different tags do not coalesce. */
	world("xnu-arm64");
	t = vm_task_create(W, "t");
	vm_op_allocate(W, t, &a, 16 * KB, VM_FLAGS_ANYWHERE, 240);
	vm_op_allocate(W, t, &b, 16 * KB, VM_FLAGS_ANYWHERE, 241);
	is_int(vm_task_nentries(W, t), 2, "coalesce: different user tags stay apart");
	/* Purgeable allocations get an object at once and never coalesce. */
	vm_op_allocate(W, t, &b, 16 * KB, VM_FLAGS_ANYWHERE | VM_FLAGS_PURGABLE, 2);
	is_int(vm_task_nentries(W, t), 3, "coalesce: purgeable allocation stays apart");
	ok(region(t, b).purgeable, "purgeable: object is purgeable");
	check_world("coalesce");
}

/* Fixed allocations and bad requests fail with a status and change nothing. */
static void
test_bad_requests(void)
{
	uint64_t a = 0x100000000ull, b;
	int t;

	world("xnu-arm64");
	t = vm_task_create(W, "t");
	is_int(vm_op_allocate(W, t, &a, 32 * KB, VM_FLAGS_FIXED, 0), KERN_SUCCESS, "fixed: allocate");
	is_int(a, 0x100000000ull, "fixed: at the address asked");
	b = a + 16 * KB;
	is_int(vm_op_allocate(W, t, &b, 16 * KB, VM_FLAGS_FIXED, 0), KERN_NO_SPACE, "fixed: overlap is KERN_NO_SPACE");
	is_int(vm_op_write(W, t, 0x200000000ull, 1), KERN_INVALID_ADDRESS, "write to unmapped address");
	is_int(vm_op_write(W, t, a + 16 * KB, 32 * KB), KERN_INVALID_ADDRESS, "write running off the end");
	is_int(region(t, a).pages_resident, 0, "failed write changed nothing");
	is_int(vm_op_write(W, 7, a, 1), KERN_INVALID_TASK, "unknown task");
	is_int(vm_op_allocate(W, t, &b, 0, VM_FLAGS_ANYWHERE, 0), KERN_INVALID_ARGUMENT, "size 0");
	is_int(vm_op_protect(W, t, a, 16 * KB, true, VM_PROT_READ), KERN_SUCCESS, "protect: lower max");
	is_int(vm_op_protect(W, t, a, 16 * KB, false, VM_PROT_READ | VM_PROT_WRITE),
	       KERN_PROTECTION_FAILURE, "protect beyond max");
	is_int(vm_op_write(W, t, a, 1), KERN_PROTECTION_FAILURE, "write to read-only page");
	is_int(vm_op_deallocate(W, t, 0x300000000ull, 16 * KB), KERN_INVALID_ADDRESS, "deallocate nothing");
	is_int(vm_op_inherit(W, t, a, 16 * KB, 9), KERN_INVALID_ARGUMENT, "bad inheritance");
	is_int(vm_op_map_entry(W, t, 3, &b), KERN_INVALID_NAME, "unknown memory entry");
	is_int(vm_op_fork(W, t, "t", NULL), KERN_INVALID_ARGUMENT, "fork to an existing name");
	b = 0;
	is_int(vm_op_allocate(W, t, &b, (1ull << 28) * 16 * KB + 16 * KB, VM_FLAGS_ANYWHERE, 0),
	       KERN_RESOURCE_SHORTAGE, "a region over 2^28 pages is refused (model limit)");
	is_int(vm_op_allocate(W, t, &b, 1ull << 62, VM_FLAGS_ANYWHERE, 0), KERN_RESOURCE_SHORTAGE,
	       "a 4 EiB region is refused");
	is_int(vm_op_allocate(W, t, &b, UINT64_MAX, VM_FLAGS_ANYWHERE, 0), KERN_INVALID_ARGUMENT,
	       "a size that overflows when rounded is refused");
	is_int(vm_op_exit(W, t), KERN_SUCCESS, "exit");
	is_int(vm_op_write(W, t, a, 1), KERN_INVALID_TASK, "dead task");
	is_int(vm_world_nobjects(W), 0, "exit freed every object");
	check_world("bad requests");
}

/* vm_protect in the middle of a touched region: three ALI pieces, re-merge. */
static void
test_protect_ali(void)
{
	uint64_t a = 0;
	int t;
	struct vm_region_info r;

	world("xnu-x86_64");
	t = vm_task_create(W, "t");
	vm_op_allocate(W, t, &a, 3 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, t, a, 3 * 4 * KB);
	is_int(vm_op_protect(W, t, a + 4 * KB, 4 * KB, false, VM_PROT_READ), KERN_SUCCESS, "ali: protect middle");
	is_int(vm_task_nentries(W, t), 3, "ali: three entries");
	for (int i = 0; i < 3; i++) {
		r = region(t, a + (uint64_t)i * 4 * KB);
		is_str(vm_share_mode_abbrev(r.share_mode), "ALI", "ali: piece %d is ALI", i);
		is_int(r.ref_count, 3, "ali: piece %d ref_count 3", i);
	}
	vm_op_protect(W, t, a + 4 * KB, 4 * KB, false, VM_PROT_READ | VM_PROT_WRITE);
	is_int(vm_task_nentries(W, t), 1, "ali: protect back re-merges (vm_map_simplify_entry)");
	EXPECT(t, a, SM_PRIVATE, 1, 3, "ali: one private entry again");
	check_world("protect ali");

	world("gnumach-2022");
	t = vm_task_create(W, "t");
	vm_op_allocate(W, t, &a, 3 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, t, a, 3 * 4 * KB);
	vm_op_protect(W, t, a + 4 * KB, 4 * KB, false, VM_PROT_READ);
	vm_op_protect(W, t, a + 4 * KB, 4 * KB, false, VM_PROT_READ | VM_PROT_WRITE);
	is_int(vm_task_nentries(W, t), 3, "gnumach-2022: no re-gluing after protect");
	world("gnumach");
	t = vm_task_create(W, "t");
	vm_op_allocate(W, t, &a, 3 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, t, a, 3 * 4 * KB);
	vm_op_protect(W, t, a + 4 * KB, 4 * KB, false, VM_PROT_READ);
	vm_op_protect(W, t, a + 4 * KB, 4 * KB, false, VM_PROT_READ | VM_PROT_WRITE);
	is_int(vm_task_nentries(W, t), 1, "gnumach: re-glued after protect");
	check_world("gnumach protect");
}

/* GNU Mach coalescing: backward-only before 2023, forward after. */
static void
test_coalesce_gnumach(void)
{
	uint64_t a;
	int t;

	world("gnumach-2022");
	t = vm_task_create(W, "t");
	/* Top-down page allocations: each new one lies *below* the last. */
	for (int i = 0; i < 8; i++) {
		a = 0x100000 - (uint64_t)(i + 1) * 4 * KB;
		vm_op_allocate(W, t, &a, 4 * KB, VM_FLAGS_FIXED, 0);
	}
	is_int(vm_task_nentries(W, t), 8, "gnumach-2022: top-down allocations never merge");
	world("gnumach");
	t = vm_task_create(W, "t");
	for (int i = 0; i < 8; i++) {
		a = 0x100000 - (uint64_t)(i + 1) * 4 * KB;
		vm_op_allocate(W, t, &a, 4 * KB, VM_FLAGS_FIXED, 0);
	}
	is_int(vm_task_nentries(W, t), 1, "gnumach: forward merging makes one entry");
	ok((vm_world_effects(W)->flags & VMFX_COALESCED_NEXT) &&
	   !(vm_world_effects(W)->flags & VMFX_COALESCED),
	   "gnumach: the last one joined the next entry's front, not a previous entry");
	check_world("gnumach coalesce");
}

/* vm_inherit none/copy/share and fork. */
static void
test_inherit(void)
{
	uint64_t a = 0, b = 0, c = 0;
	int p, k;
	struct vm_region_info r;

	world("xnu-arm64");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 240);
	vm_op_allocate(W, p, &b, 16 * KB, VM_FLAGS_ANYWHERE, 241);
	vm_op_allocate(W, p, &c, 16 * KB, VM_FLAGS_ANYWHERE, 242);
	vm_op_write(W, p, a, 1);
	vm_op_write(W, p, b, 1);
	vm_op_write(W, p, c, 1);
	is_int(vm_op_inherit(W, p, a, 16 * KB, VM_INHERIT_NONE), KERN_SUCCESS, "inherit none");
	is_int(vm_op_inherit(W, p, c, 16 * KB, VM_INHERIT_SHARE), KERN_SUCCESS, "inherit share");
	vm_op_fork(W, p, "k", &k);
	ok(!vm_region_at(W, k, a, &r), "inherit none: child has a hole");
	EXPECT(k, b, SM_COW, 2, 1, "inherit copy: child COW");
	EXPECT(k, c, SM_SHARED, 2, 1, "inherit share: child SHM");
	EXPECT(p, c, SM_SHARED, 2, 1, "inherit share: parent SHM");
	vm_op_write(W, k, c, 1);
	EXPECT(p, c, SM_SHARED, 2, 1, "inherit share: a write copies nothing");
	is_int(region(p, c).pages_dirtied, 1, "inherit share: same page dirty in both");
	{
		struct vm_object_info oi;

		vm_object_get(W, region(p, c).object, &oi);
		is_str(vm_copy_strategy_name(oi.copy_strategy), "DELAY", "fork share: SYMMETRIC became DELAY");
	}
	check_world("inherit");
}

/* Memory entries: TRUESHARED, ref 3 then 2; inherited copy is COW. */
static void
test_memory_entry(void)
{
	uint64_t a = 0, m = 0;
	int p, q, k, e;

	/* A memory entry and two mappings hold ref 3; 2 once the port is gone. */
	world("xnu-arm64");
	p = vm_task_create(W, "p");
	q = vm_task_create(W, "q");
	vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	is_int(vm_op_make_memory_entry(W, p, a, 16 * KB, &e), KERN_SUCCESS, "entry: make");
	is_int(vm_op_map_entry(W, q, e, &m), KERN_SUCCESS, "entry: map in another task");
	vm_op_write(W, q, m, 1);
	EXPECT(p, a, SM_TRUESHARED, 3, 1, "entry: TRUESHARED ref 3 in the maker");
	EXPECT(q, m, SM_TRUESHARED, 3, 1, "entry: TRUESHARED ref 3 in the mapper");
	is_int(vm_op_release_entry(W, e), KERN_SUCCESS, "entry: release");
	EXPECT(p, a, SM_TRUESHARED, 2, 1, "entry: ref 2 after the port is released");
	is_int(vm_op_map_entry(W, q, e, &m), KERN_INVALID_NAME, "entry: released entry cannot be mapped");
	check_world("memory entry");

	/* The seed's program: fork, then map the entry in the child. */
	world("xnu-arm64");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 1);
	vm_op_make_memory_entry(W, p, a, 16 * KB, &e);
	vm_op_fork(W, p, "k", &k);
	ok(vm_world_effects(W)->flags & VMFX_COPY_DELAYED, "entry: fork of a true_share object is a delayed copy");
	EXPECT(k, a, SM_COW, 3, 1, "entry: inherited copy is COW (copy object over the shared one)");
	EXPECT(p, a, SM_TRUESHARED, 3, 1, "entry: parent TRUESHARED (entry, named, copy object)");
	is_int(vm_op_map_entry(W, k, e, &m), KERN_SUCCESS, "entry: map in child");
	EXPECT(k, m, SM_TRUESHARED, 4, 1, "entry: child's explicit mapping TRUESHARED");
	vm_op_write(W, p, a, 1);
	ok(vm_world_effects(W)->flags & VMFX_PUSHED, "entry: parent write pushed the page to the copy object");
	/* The copy object holds the pushed page, but the child's entry maps it
	 * needs_copy (vm_object_copy_strategically's COPY_DELAY case sets
	 * dst_needs_copy): still copy-on-write until the child writes. */
	EXPECT(k, a, SM_COW, 1, 1, "entry: child's inherited copy holds the pushed page, needs_copy");
	vm_op_write(W, k, a, 1);
	EXPECT(k, a, SM_PRIVATE, 1, 1, "entry: the child's write gives it a page of its own");
	check_world("memory entry fork");
	world("mach");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 4 * KB, VM_FLAGS_ANYWHERE, 0);
	is_int(vm_op_make_memory_entry(W, p, a, 4 * KB, &e), KERN_NOT_SUPPORTED,
	       "entry: textbook mach has no memory entries");
}

/* The holders of an object, one per reference: "why is ref_count 3?". */
static void
test_holders(void)
{
	struct vm_holder h[8];
	struct vm_region_info ri;
	uint64_t a = 0;
	int p, k, e;

	/* After fork the object is mapped by both tasks' entries. */
	world("xnu-arm64");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 1);
	vm_op_fork(W, p, "k", &k);
	vm_region_at(W, p, a, &ri);
	is_int((long long)vm_object_holders(W, ri.object, h, 8), 2, "holders: fork gives 2");
	ok(h[0].kind == VMH_ENTRY && h[0].task == p && h[0].start == a, "holders: parent's entry first");
	ok(h[1].kind == VMH_ENTRY && h[1].task == k && h[1].start == a, "holders: then the child's");
	is_int((long long)vm_object_holders(W, 999, h, 8), 0, "holders: no such object");

	/* A memory entry, then fork: the parent's entry, the memory entry, and
	 * the delayed-copy object that shadows it (ref 3 above). */
	world("xnu-arm64");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 1);
	vm_op_make_memory_entry(W, p, a, 16 * KB, &e);
	vm_op_fork(W, p, "k", &k);
	vm_region_at(W, p, a, &ri);
	is_int((long long)vm_object_holders(W, ri.object, h, 8), 3, "holders: entry+memory entry+copy");
	ok(h[0].kind == VMH_ENTRY && h[0].task == p, "holders: the parent's map entry");
	ok(h[1].kind == VMH_MEMORY_ENTRY && h[1].id == (uint32_t)e, "holders: the memory entry");
	ok(h[2].kind == VMH_SHADOW && h[2].id != ri.object, "holders: the copy object shadowing it");
	is_int((long long)vm_object_holders(W, ri.object, h, 1), 3, "holders: count past MAX");
	check_world("holders");
}

/* exec: the task stays, its map is replaced by an empty one and every
 * reference the old map held is dropped (kern_exec.c exec_mach_imgact:
 * a new map; fs/exec.c exec_mmap: a new mm). */
static void
test_exec(void)
{
	struct vm_region_info ri;
	uint64_t a = 0, b = 0;
	int p, c;

	world("xnu-arm64");
	p = vm_task_create(W, "sh");
	vm_op_allocate(W, p, &a, 32 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 1);
	vm_op_fork(W, p, "ls", &c);
	EXPECT(p, a, SM_COW, 2, 1, "exec: parent before the child's exec");
	is_int(vm_op_exec(W, c), KERN_SUCCESS, "exec: succeeds");
	ok(vm_task_alive(W, c), "exec: the task lives on");
	ok(!vm_region_get(W, c, 0, &ri), "exec: the new map is empty");
	vm_region_at(W, p, a, &ri);
	is_int(ri.ref_count, 1, "exec: the old map's reference is gone (ref 2 -> 1)");
	is_int(vm_op_allocate(W, c, &b, 16 * KB, VM_FLAGS_ANYWHERE, 0), KERN_SUCCESS,
	       "exec: the new program maps again");
	check_world("exec");
	is_int(vm_op_exec(W, 99), KERN_INVALID_TASK, "exec: no such task");
}

/* Files: PRV mapped once, SHM in two tasks, S/A twice in one task. */
static void
test_files(void)
{
	uint64_t a = 0, b = 0;
	int p, q;

	world("xnu-arm64");
	p = vm_task_create(W, "p");
	q = vm_task_create(W, "q");
	vm_op_map_file(W, p, "/data", 0, 16 * KB, false, NULL, &a);
	vm_op_read(W, p, a, 1);
	EXPECT(p, a, SM_PRIVATE, 2, 1, "file: mapped once reports PRV (external, ref 2)");
	vm_op_map_file(W, q, "/data", 0, 16 * KB, false, NULL, &b);
	EXPECT(p, a, SM_SHARED, 3, 1, "file: mapped in two tasks is SHM");
	vm_op_map_file(W, p, "/data", 0, 16 * KB, false, NULL, &b);
	EXPECT(p, a, SM_SHARED_ALIASED, 4, 1, "file: twice in one task and once elsewhere is S/A");
	vm_op_map_file(W, p, "/priv", 0, 32 * KB, true, NULL, &b);
	vm_op_read(W, p, b, 32 * KB);
	EXPECT(p, b, SM_COW, 2, 2, "file: private mapping is COW (needs_copy)");
	is_int(region(p, b).pages_dirtied, 0, "file: paged-in file pages are clean");
	vm_op_write(W, p, b, 1);
	EXPECT(p, b, SM_COW, 2, 2, "file: one page copied into a shadow, the other below");
	is_int(region(p, b).shadow_depth, 1, "file: the unwritten page is found at depth 1");
	is_int(region(p, b).pages_dirtied, 1, "file: the private copy is dirty");
	vm_op_write(W, p, b, 32 * KB);
	EXPECT(p, b, SM_PRIVATE, 1, 2, "file: every page written: private");
	{
		uint64_t at = b + 64 * KB, c = 0;

		is_int(vm_op_map_file(W, p, "/data", 0, 16 * KB, true, &at, &c), KERN_SUCCESS,
		       "file: mapped at a free address given");
		is_int(c == at, 1, "file: the mapping is where it was asked");
		is_int(vm_op_map_file(W, p, "/data", 0, 16 * KB, true, &at, &c), KERN_NO_SPACE,
		       "file: a fixed address already mapped is KERN_NO_SPACE");
	}
	check_world("files");
}

/* The OOL table of "XNU IPC - OOL data and virtual memory", purgeable buffers. */
static void
test_ool_purgeable(void)
{
	static const struct { int phys, pages, dealloc; int sm; uint32_t size_pages, res; } c[] = {
		{ 0, 1, 0, SM_PRIVATE, 1, 1 },
		{ 0, 1, 1, SM_PRIVATE, 2, 2 },
		{ 0, 16, 0, SM_PRIVATE, 16, 1 },
		{ 0, 16, 1, SM_PRIVATE, 16, 1 },
		{ 1, 1, 0, SM_PRIVATE, 3, 3 },
		{ 1, 1, 1, SM_PRIVATE, 4, 4 },
		{ 1, 16, 0, SM_COW, 16, 16 },
		{ 1, 16, 1, SM_PRIVATE, 16, 1 },
	};
	uint64_t guard = 0x100000000ull + 4 * 16 * KB;
	int s, r;

	world("xnu-arm64");
	s = vm_task_create(W, "server");
	r = vm_task_create(W, "client");
	/* The client's map leaves a 4-page hole at the bottom. */
	vm_op_allocate(W, r, &guard, 64 * 16 * KB, VM_FLAGS_FIXED, 0);
	for (int i = 0; i < 8; i++) {
		uint64_t a = 0, out = 0;
		uint64_t size = (uint64_t)c[i].pages * 16 * KB;
		struct vm_region_info ri;

		vm_op_allocate(W, s, &a, size, VM_FLAGS_ANYWHERE | VM_FLAGS_PURGABLE, 0);
		vm_op_write(W, s, a, 1);
		is_int(vm_op_ool_send(W, s, r, a, size, c[i].phys, c[i].dealloc, &out), KERN_SUCCESS,
		       "ool %d: send", i + 1);
		vm_op_read(W, r, out, 1);
		ri = region(r, out);
		is_str(vm_share_mode_name(ri.share_mode), vm_share_mode_name(c[i].sm), "ool %d: share mode", i + 1);
		is_int(ri.ref_count, 1, "ool %d: ref_count", i + 1);
		is_int(ri.pages_resident, c[i].res, "ool %d: pages_resident", i + 1);
		is_int((ri.end - ri.start) / (16 * KB), c[i].size_pages, "ool %d: region size in pages", i + 1);
		if (i == 3) {
			/* The article's 256 MB case in the middle: every page written. */
			uint64_t big = 256ull << 20;

			vm_op_allocate(W, s, &a, big, VM_FLAGS_ANYWHERE | VM_FLAGS_PURGABLE, 0);
			vm_op_write(W, s, a, big);
			vm_op_ool_send(W, s, r, a, big, 0, 0, &out);
			ri = region(r, out);
			is_str(vm_share_mode_name(ri.share_mode), "SM_PRIVATE", "ool 256MB: private copy");
			is_int(ri.pages_resident, big / (16 * KB), "ool 256MB: every page copied");
			is_int(region(s, a).share_mode, SM_PRIVATE, "ool 256MB: sender stays private");
		}
		check_world("ool purgeable");
	}
}

/* The same sends with plain vm_allocate: case 3 is copy-on-write. */
static void
test_ool_plain(void)
{
	uint64_t a = 0, out = 0;
	int s, r;

	world("xnu-arm64");
	s = vm_task_create(W, "server");
	r = vm_task_create(W, "client");
	vm_op_allocate(W, s, &a, 16 * 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, s, a, 1);
	vm_op_ool_send(W, s, r, a, 16 * 16 * KB, false, false, &out);
	ok(vm_world_effects(W)->flags & VMFX_COPY_QUICKLY, "ool plain 3: copyin copy-on-write");
	ok((vm_world_effects(W)->flags & VMFX_OOL_RECEIVED) && !vm_world_effects(W)->desc_physical &&
	   vm_world_effects(W)->desc_dealloc,
	   "ool: the receiver's descriptor says VIRTUAL and deallocate (copy == VIRTUAL)");
	EXPECT(r, out, SM_COW, 2, 1, "ool plain 3: receiver COW ref 2");
	EXPECT(s, a, SM_COW, 2, 1, "ool plain 3: sender COW ref 2");
	a = 0;
	vm_op_allocate(W, s, &a, 16 * 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, s, a, 1);
	vm_op_ool_send(W, s, r, a, 16 * 16 * KB, false, true, &out);
	/* xnu-11417 vm_map_copyin_internal: copy (quickly: ref 2, needs_copy on
	 * both), then the source range is deleted (ref 1): the receiver keeps
	 * needs_copy on an object of ref 1.  Never a move. */
	ok(!(vm_world_effects(W)->flags & VMFX_MOVED) &&
	   (vm_world_effects(W)->flags & VMFX_COPY_QUICKLY) &&
	   (vm_world_effects(W)->flags & VMFX_SOURCE_REMOVED),
	   "ool plain 4 (xnu): deallocate is a copy, then the source is removed");
	EXPECT(r, out, SM_COW, 1, 1, "ool plain 4 (xnu): receiver COW ref 1 (needs_copy kept)");
	ok(vm_task_nentries(W, s) == 1, "ool plain 4 (xnu): the source range is gone");
	a = 0;
	vm_op_allocate(W, s, &a, 16 * 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, s, a, 1);
	vm_op_ool_send(W, s, r, a, 16 * 16 * KB, true, false, &out);
	EXPECT(r, out, SM_COW, 1, 16, "ool plain 7: eager copy, COW ref 1, all resident");
	ok(vm_world_effects(W)->desc_physical && !vm_world_effects(W)->desc_dealloc,
	   "ool: a PHYSICAL send's descriptor says PHYSICAL, deallocate no");
	EXPECT(s, a, SM_PRIVATE, 1, 16, "ool plain 7: sender's untouched pages faulted in");
	check_world("ool plain");

	/* GNU Mach vm_map_copyin(src_destroy): the entries move, needs_copy as
	 * the source had it (clear): the receiver is SM_PRIVATE, ref 1. */
	world("gnumach");
	s = vm_task_create(W, "server");
	r = vm_task_create(W, "client");
	a = 0;
	vm_op_allocate(W, s, &a, 16 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, s, a, 1);
	vm_op_ool_send(W, s, r, a, 16 * 4 * KB, false, true, &out);
	ok(vm_world_effects(W)->flags & VMFX_MOVED, "ool plain 4 (gnumach): deallocate moves the object");
	EXPECT(r, out, SM_PRIVATE, 1, 1, "ool plain 4 (gnumach): receiver PRV ref 1");
	check_world("ool plain gnumach");

	world("mach");
	s = vm_task_create(W, "server");
	r = vm_task_create(W, "client");
	a = 0;
	vm_op_allocate(W, s, &a, 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, s, a, 1);
	vm_op_ool_send(W, s, r, a, 4 * KB, true, false, &out);
	ok(!(vm_world_effects(W)->flags & VMFX_KERNEL_BUFFER), "mach: no kernel-buffer shortcut");
	EXPECT(r, out, SM_COW, 2, 1, "mach: even a one-page physical copy is copy-on-write");
	check_world("ool mach");
}

/* Linux: per-page COW; a page is copied at most once per pair. */
static void
test_linux(void)
{
	uint64_t a = 0, m = 0;
	int p, c, e;

	world("linux");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 4 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 4 * 4 * KB);
	vm_op_fork(W, p, "c", &c);
	EXPECT(p, a, SM_COW, 2, 4, "linux: after fork COW, mapcount 2");
	vm_op_write(W, c, a, 4 * KB);
	is_int(vm_world_effects(W)->pages_copied, 1, "linux: child write copied one page");
	EXPECT(c, a, SM_COW, 2, 4, "linux: child still shares three pages");
	vm_op_write(W, p, a, 4 * KB);
	is_int(vm_world_effects(W)->pages_copied, 0, "linux: parent reuses the page mapped once");
	vm_op_write(W, c, a, 4 * 4 * KB);
	EXPECT(c, a, SM_PRIVATE, 1, 4, "linux: child private after writing all");
	EXPECT(p, a, SM_PRIVATE, 1, 4, "linux: parent private too");
	vm_op_allocate(W, p, &m, 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_make_memory_entry(W, p, m, 4 * KB, &e);
	vm_op_write(W, p, m, 1);
	{
		int d;

		vm_op_fork(W, p, "d", &d);
		EXPECT(p, m, SM_SHARED, 1, 1, "linux: after fork only the parent has the shared page mapped");
		EXPECT(d, m, SM_EMPTY, 0, 0, "linux: the child's shared mapping is not present (Rss 0)");
		vm_op_read(W, d, m, 1);
		EXPECT(d, m, SM_SHARED, 2, 1, "linux: touched by the child: SHM, map count 2");
		EXPECT(p, m, SM_SHARED, 2, 1, "linux: and the parent sees map count 2");
	}
	check_world("linux");
	/* do_anonymous_page: a read maps the zero page; Rss does not count it. */
	a = 0;
	vm_op_allocate(W, p, &a, 2 * 4 * KB, VM_FLAGS_ANYWHERE, 9);
	vm_op_read(W, p, a, 2 * 4 * KB);
	ok(vm_world_effects(W)->flags & VMFX_ZERO_PAGE, "linux: a read of untouched memory maps the zero page");
	EXPECT(p, a, SM_EMPTY, 0, 0, "linux: reading untouched memory makes nothing resident");
	vm_op_write(W, p, a, 4 * KB);
	EXPECT(p, a, SM_PRIVATE, 1, 1, "linux: the first write allocates one page");
	check_world("linux zero page");
	/* vma_merge: a new anonymous range right below an anonymous VMA whose
	 * anon_vma is its own joins it (vm_pgoff is the address). */
	{
		uint64_t hi = 0x700000000000ull + 16 * KB, lo = 0x700000000000ull;

		is_int(vm_op_allocate(W, p, &hi, 8 * KB, VM_FLAGS_FIXED, 0), KERN_SUCCESS,
		       "linux merge: the upper range");
		vm_op_write(W, p, hi, 4 * KB);
		is_int(vm_op_allocate(W, p, &lo, 16 * KB, VM_FLAGS_FIXED, 0), KERN_SUCCESS,
		       "linux merge: the range right below it");
		is_int(region(p, lo).end == hi + 8 * KB, 1, "linux merge: one region from lo to hi's end");
		is_int(region(p, lo).pages_resident, 1, "linux merge: the written page stays resident");
		vm_op_read(W, p, hi, 1);
		is_int(region(p, lo).pages_resident, 1, "linux merge: and it is still found at hi");
		check_world("linux merge below");
	}
}

/* vm_object_coalesce: pages left from a deallocation do not come back. */
static void
test_coalesce_clears_stale_pages(void)
{
	uint64_t a = 0, b;
	int t;

	world("xnu-x86_64");
	t = vm_task_create(W, "t");
	vm_op_allocate(W, t, &a, 2 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, t, a, 2 * 4 * KB);
	vm_op_deallocate(W, t, a + 4 * KB, 4 * KB);     /* page 1 stays in the object */
	b = 0;
	vm_op_allocate(W, t, &b, 4 * KB, VM_FLAGS_ANYWHERE, 0);
	is_int(b, a + 4 * KB, "coalesce: the new page lands where page 1 was");
	ok(vm_world_effects(W)->flags & VMFX_COALESCED, "coalesce: it extends the first entry");
	is_int(region(t, a).pages_resident, 1, "coalesce: the old page 1 is gone (vm_object_page_remove)");
	check_world("coalesce stale pages");
}

/* Linux: inherit share is its memfd analogue at once; tags do not exist. */
static void
test_linux_share_and_tags(void)
{
	uint64_t a = 0, b = 0;
	int p, c;

	world("linux");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 2 * 4 * KB, VM_FLAGS_ANYWHERE, 1);
	vm_op_allocate(W, p, &b, 4 * KB, VM_FLAGS_ANYWHERE, 2);
	is_int(vm_task_nentries(W, p), 1, "linux: neighbours with other tags still merge (no tags)");
	vm_op_write(W, p, a, 4 * KB);
	is_int(vm_op_inherit(W, p, a, 2 * 4 * KB, VM_INHERIT_SHARE), KERN_SUCCESS, "linux: inherit share");
	ok(vm_world_effects(W)->flags & VMFX_LINUX_ANALOGUE, "linux: inherit share is an analogue");
	EXPECT(p, a, SM_SHARED, 1, 1, "linux: the range is a shared mapping at once");
	vm_op_fork(W, p, "c", &c);
	EXPECT(c, a, SM_EMPTY, 0, 0, "linux: the child has no PTE for it yet");
	vm_op_write(W, c, a, 4 * KB);
	EXPECT(p, a, SM_SHARED, 2, 1, "linux: the child's write lands in the shared page");
	is_int(vm_world_effects(W)->pages_copied, 0, "linux: nothing copied");
	check_world("linux share");

	/* fork copies the page table of each entry, not of its whole object. */
	world("linux");
	p = vm_task_create(W, "p");
	a = 0;
	vm_op_allocate(W, p, &a, 2 * 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 2 * 4 * KB);
	vm_op_inherit(W, p, a, 4 * KB, VM_INHERIT_NONE);
	vm_op_fork(W, p, "c", &c);
	EXPECT(p, a, SM_PRIVATE, 1, 1, "linux: a page not inherited stays private in the parent");
	EXPECT(p, a + 4 * KB, SM_COW, 2, 1, "linux: its clipped neighbour is shared copy-on-write");
	check_world("linux clipped fork");
}

/* Deep copies are independent and equal. */
static void
test_clone(void)
{
	uint64_t a = 0;
	int p, c;
	struct vm_world *copy;
	struct vm_region_info r1, r2;

	world("xnu-arm64");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 1);
	vm_op_fork(W, p, "c", &c);
	copy = vm_world_clone(W);
	vm_op_write(W, c, a, 1);
	vm_region_at(copy, c, a, &r1);
	vm_region_at(W, c, a, &r2);
	is_int(r1.share_mode, SM_COW, "clone: the copy kept the old state");
	is_int(r2.share_mode, SM_PRIVATE, "clone: the original moved on");
	{
		char msg[256];

		ok(vm_world_check(copy, msg, sizeof msg), "clone: invariants hold in the copy");
	}
	vm_world_free(copy);
}

/*
 * xnu-11417.101.15 osfmk/vm/vm_map.c vm_map_enter: the previous entry's
 * needs_copy is not tested; vm_object_coalesce decides on the object.
 * After fork, the child's write and exit, the parent's entry still needs
 * copy but its object has ref 1, no shadow: the next allocation extends
 * it (one entry, 2 pages, still COW ref 1).  GNU Mach's
 * vm_map_coalesce_entry wants needs_copy equal: two entries.
 */
/*
 * Page state kept as runs: a 1 TiB region written whole, forked and written
 * at one page in the child (XNU), and 64 GiB under linux with both the
 * lone copy and the copy of all the rest.  Counts from the fork rules
 * (docs/model.md), at the scale the model used to refuse.
 */
static void
test_huge_regions(void)
{
	const uint64_t tib = 1ull << 40, pages = tib >> 12, lp = (64ull << 30) >> 12;
	uint64_t a = 0;
	int p, c;
	struct vm_region_info r;

	world("xnu-x86_64");
	p = vm_task_create(W, "p");
	is_int(vm_op_allocate(W, p, &a, tib, VM_FLAGS_ANYWHERE, 0), KERN_SUCCESS, "1 TiB: allocate");
	is_int(vm_op_write(W, p, a, tib), KERN_SUCCESS, "1 TiB: write all of it");
	vm_op_fork(W, p, "c", &c);
	is_int(vm_op_write(W, c, a + 7 * 4 * KB, 4 * KB), KERN_SUCCESS, "1 TiB: child writes page 7");
	is_int(vm_world_effects(W)->pages_copied, 1, "1 TiB: one page copied");
	r = region(p, a);
	is_str(vm_share_mode_name(r.share_mode), "SM_COW", "1 TiB parent: COW");
	ok(r.pages_resident == pages && r.pages_dirtied == pages && r.pages_cow == pages,
	   "1 TiB parent: 2^28 pages resident, dirty, COW-shared (%u %u %u)", r.pages_resident,
	   r.pages_dirtied, r.pages_cow);
	r = region(c, a);
	ok(r.pages_resident == pages && r.shadow_depth == 1 && r.pages_cow == pages - 1,
	   "1 TiB child: all resident, depth 1, all but the copied page COW (%u %u)",
	   r.pages_resident, r.pages_cow);
	is_int((long long)vm_world_nframes(W), (long long)pages + 1, "1 TiB: 2^28 + 1 frames");
	check_world("1 TiB fork");

	/* Frame ids are never reused, 2^31 - 1 of them: a write is refused
	 * while it could take more than are left (two per page), so that no
	 * id ever reaches the dirty bit.  1 + (k + 2) * 2^28 <= 2^31 - 1 holds
	 * for k = 0..5 earlier writes: the seventh is refused. */
	world("xnu-x86_64");
	p = vm_task_create(W, "p");
	{
		int refused_at = 0;

		for (int k = 1; k <= 8 && refused_at == 0; k++) {
			a = 0;
			vm_op_allocate(W, p, &a, tib, VM_FLAGS_ANYWHERE, 0);
			if (vm_op_write(W, p, a, tib) == KERN_RESOURCE_SHORTAGE)
				refused_at = k;
			else
				vm_op_deallocate(W, p, a, tib);
		}
		is_int(refused_at, 7, "1 TiB written again and again: the 7th write is refused");
		is_int(region(p, a).pages_resident, 0, "the refused write changed nothing");
		check_world("frame ids running out");
	}

	world("linux");
	p = vm_task_create(W, "p");
	a = 0;
	vm_op_allocate(W, p, &a, lp << 12, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, lp << 12);
	vm_op_fork(W, p, "c", &c);
	vm_op_write(W, c, a + 7 * 4 * KB, 4 * KB);
	is_int(vm_world_effects(W)->pages_copied, 1, "linux 64 GiB: the child's write copies one page");
	EXPECT(c, a, SM_COW, 2, lp, "linux 64 GiB: child still maps the others twice");
	vm_op_write(W, c, a, lp << 12);
	is_int(vm_world_effects(W)->pages_copied, lp - 1,
	       "linux 64 GiB: writing all copies every page but the one already copied");
	EXPECT(c, a, SM_PRIVATE, 1, lp, "linux 64 GiB: child private");
	EXPECT(p, a, SM_PRIVATE, 1, lp, "linux 64 GiB: parent private");
	is_int((long long)vm_world_nframes(W), (long long)(2 * lp), "linux 64 GiB: 2^25 frames");
	check_world("linux 64 GiB fork");
}

static void
test_coalesce_needs_copy(void)
{
	uint64_t a = 0, b = 0;
	int p, c;

	world("xnu-arm64");
	p = vm_task_create(W, "p");
	vm_op_allocate(W, p, &a, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 1);
	vm_op_fork(W, p, "c", &c);
	vm_op_write(W, c, a, 1);
	vm_op_exit(W, c);
	EXPECT(p, a, SM_COW, 1, 1, "coalesce needs_copy (xnu): before, COW ref 1");
	vm_op_allocate(W, p, &b, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	is_int(b, a + 16 * KB, "coalesce needs_copy (xnu): the next allocation is adjacent");
	is_int(vm_task_nentries(W, p), 1, "coalesce needs_copy (xnu): it extends the entry");
	EXPECT(p, b, SM_COW, 1, 1, "coalesce needs_copy (xnu): one entry, COW ref 1");
	check_world("coalesce needs_copy xnu");

	world("gnumach");
	p = vm_task_create(W, "p");
	a = b = 0;
	vm_op_allocate(W, p, &a, 4 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 1);
	vm_op_fork(W, p, "c", &c);
	vm_op_write(W, c, a, 1);
	vm_op_exit(W, c);
	vm_op_allocate(W, p, &b, 4 * KB, VM_FLAGS_ANYWHERE, 0);
	is_int(vm_task_nentries(W, p), 2, "coalesce needs_copy (gnumach): needs_copy differs, two entries");
	check_world("coalesce needs_copy gnumach");

	/* vm_object_coalesce collapses first: the parent's shadow over an
	 * object only it still holds (the child exited) collapses, page 1
	 * moves up, and the next allocation extends the entry: one entry of
	 * 3 pages, SM_PRIVATE ref 1, 2 pages resident, depth 0. */
	world("xnu-arm64");
	p = vm_task_create(W, "p");
	a = b = 0;
	vm_op_allocate(W, p, &a, 2 * 16 * KB, VM_FLAGS_ANYWHERE, 0);
	vm_op_write(W, p, a, 2 * 16 * KB);
	vm_op_fork(W, p, "c", &c);
	vm_op_write(W, p, a, 1);
	vm_op_exit(W, c);
	is_int(region(p, a).shadow_depth, 1, "coalesce collapse: before, page 1 is one level down");
	vm_op_allocate(W, p, &b, 16 * KB, VM_FLAGS_ANYWHERE, 0);
	is_int(vm_task_nentries(W, p), 1, "coalesce collapse: the shadow collapsed and the entry grew");
	EXPECT(p, a, SM_PRIVATE, 1, 2, "coalesce collapse: PRV ref 1, both pages resident");
	is_int(region(p, a).shadow_depth, 0, "coalesce collapse: depth 0");
	check_world("coalesce collapse");
}

/* Faulting a buffer in changes none of its bytes, whatever its length or
 * alignment (mem_populate rounds inward to whole pages). */
static void
test_mem_populate(void)
{
	size_t len = 3 * MEM_POPULATE_MIN + 123;
	unsigned char *b = malloc(len + 1);
	bool same = b != NULL;

	for (size_t i = 0; same && i < len + 1; i++)
		b[i] = (unsigned char)(i * 7 + 1);
	if (same) {
		mem_populate(b + 1, len);
		mem_populate(b, 10);
		mem_populate(NULL, len);
	}
	for (size_t i = 0; same && i < len + 1; i++)
		same = b[i] == (unsigned char)(i * 7 + 1);
	ok(same, "mem_populate keeps a buffer's bytes");
	free(b);
}

int
main(void)
{
	test_fork_lifecycle();
	test_coalesce_needs_copy();
	test_shadow_depth();
	test_coalesce_xnu();
	test_bad_requests();
	test_protect_ali();
	test_coalesce_gnumach();
	test_inherit();
	test_memory_entry();
	test_files();
	test_holders();
	test_exec();
	test_ool_purgeable();
	test_ool_plain();
	test_linux();
	test_coalesce_clears_stale_pages();
	test_linux_share_and_tags();
	test_clone();
	test_huge_regions();
	test_mem_populate();
	vm_world_free(W);
	return tap_done();
}
