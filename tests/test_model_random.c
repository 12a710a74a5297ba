/* SPDX-License-Identifier: MIT */
/*
 * test_model_random.c -- random operation sequences under every profile.
 *
 * Thousands of operations with random (often bad) arguments: after each one
 * the model's invariants must hold (every object's ref_count equals the
 * references that exist, maps sorted and disjoint, frames accounted), a
 * failed operation must leave the world unchanged, and a deep copy must
 * report the same regions as the original -- and the run goes on with the
 * copy, so copies are mutated too.  Fixed seeds: deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "test_util.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

static unsigned long long seed;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* A random address near the task's mappings (or anywhere). */
static uint64_t
some_addr(const struct vm_world *w, int task)
{
	struct vm_region_info ri;
	size_t n = vm_task_nentries(w, task);
	uint32_t ps = vm_world_page_size(w);

	if (n == 0 || rnd(10) == 0)
		return vm_world_profile(w)->map_min + (uint64_t)rnd(64) * ps;
	vm_region_get(w, task, rnd((unsigned)n), &ri);
	return ri.start + (uint64_t)rnd((unsigned)((ri.end - ri.start) / ps + 2)) * ps - ps;
}

/* One random operation; returns its status. */
static kern_return_t
random_op(struct vm_world *w, int *nent, int *forks)
{
	int ntask = vm_task_count(w), task = rnd((unsigned)ntask);

	/* Mostly live tasks: a dead one now and then. */
	for (int tries = 0; tries < 4 && !vm_task_alive(w, task); tries++)
		task = rnd((unsigned)ntask);
	uint32_t ps = vm_world_page_size(w);
	uint64_t a = some_addr(w, task);
	uint64_t size = rnd(20) == 0 ? 0 : (uint64_t)(1 + rnd(5)) * ps - (rnd(8) == 0 ? 1 : 0);
	uint64_t out;
	int e;

	switch (rnd(14)) {
	case 0:
		return vm_op_allocate(w, task, &a, size, rnd(3) ? VM_FLAGS_ANYWHERE : VM_FLAGS_FIXED,
		                      (int)rnd(2));
	case 1:
		return vm_op_allocate(w, task, &a, size, VM_FLAGS_ANYWHERE | VM_FLAGS_PURGABLE, 0);
	case 2:
		return vm_op_deallocate(w, task, a, size);
	case 3:
	case 4:
		return vm_op_write(w, task, a, size);
	case 5:
		return vm_op_read(w, task, a, size);
	case 6: {
		char name[32];

		if (*forks >= 40 || (ntask > 3 && rnd(2)))
			return vm_op_exit(w, 2 + rnd((unsigned)ntask));
		snprintf(name, sizeof name, "t%d", (*forks)++);
		return vm_op_fork(w, task, name, NULL);
	}
	case 7:
		return vm_op_inherit(w, task, a, size, (int)rnd(4));
	case 8:
		return vm_op_protect(w, task, a, size, rnd(4) == 0, (int)rnd(9));
	case 9:
		return vm_op_ool_send(w, task, rnd((unsigned)ntask), a, size, rnd(2), rnd(2), &out);
	case 10:
		if (vm_op_make_memory_entry(w, task, a, size, &e) == KERN_SUCCESS)
			(*nent)++;
		return KERN_SUCCESS;
	case 11:
		return vm_op_map_entry(w, task, *nent ? (int)rnd((unsigned)*nent + 1) : 0, &out);
	case 12:
		return vm_op_map_file(w, task, rnd(2) ? "/a" : "/b", (uint64_t)rnd(3) * ps,
		                      size, rnd(2), NULL, &out);
	default:
		return vm_op_release_entry(w, *nent ? (int)rnd((unsigned)*nent + 1) : 0);
	}
}

int
main(void)
{
	static char before[1 << 16], after[1 << 16];

	for (size_t p = 0; vm_profiles[p] != NULL; p++) {
		for (unsigned run = 0; run < 8; run++) {
			struct vm_world *w = vm_world_new(vm_profiles[p], 0);
			int nent = 0, forks = 0, bad = 0, unchanged = 1, nok = 0;
			char msg[256];
			size_t steps = 0;

			seed = 0x9e3779b97f4a7c15ull * (run + 1) + p;
			vm_task_create(w, "a");
			vm_task_create(w, "b");
			for (; steps < 1500 && !bad; steps++) {
				kern_return_t kr;

				world_digest(w, before, sizeof before);
				kr = random_op(w, &nent, &forks);
				if (!vm_world_check(w, msg, sizeof msg)) {
					bad = 1;
					break;
				}
				if (kr == KERN_SUCCESS)
					nok++;
				if (kr != KERN_SUCCESS) {
					world_digest(w, after, sizeof after);
					if (strcmp(before, after) != 0 && unchanged) {
						unchanged = 0;
						printf("# step %zu: failed op (%s) changed the world\n", steps,
						       vm_kr_name(kr));
					}
				}
				if (steps % 97 == 0) {
					/* Go on with a deep copy (as replay does after a
					 * seek): its bulk-allocated objects and entries must
					 * behave like the originals. */
					struct vm_world *c = vm_world_clone(w);

					world_digest(c, after, sizeof after);
					world_digest(w, before, sizeof before);
					if (strcmp(before, after) != 0)
						bad = 2;
					vm_world_free(w);
					w = c;
				}
			}
			if (bad == 1)
				printf("# %s run %u step %zu: %s\n", vm_profiles[p]->name, run, steps, msg);
			ok(bad == 0, "%s run %u: invariants hold for %zu random operations",
			   vm_profiles[p]->name, run, steps);
			ok(unchanged, "%s run %u: failed operations change nothing", vm_profiles[p]->name, run);
			ok(nok > 450 && nok < 1400, "%s run %u: a real mix (%d of %zu operations succeeded)",
			   vm_profiles[p]->name, run, nok, steps);
			vm_world_free(w);
		}
	}
	return tap_done();
}
