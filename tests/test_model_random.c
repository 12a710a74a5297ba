/* SPDX-License-Identifier: MIT */
/*
 * test_model_random.c -- random operation sequences under every profile.
 *
 * Thousands of operations with random (often bad) arguments: after each one
 * the model's invariants must hold (every object's ref_count equals the
 * references that exist, maps sorted and disjoint, frames accounted), a
 * failed operation must leave the world unchanged, and a deep copy must
 * report the same regions as the original -- and the run goes on with the
 * copy, so copies are mutated too.  And pages kept as runs must behave as
 * pages taken one at a time: a twin world faults, resolves and counts page
 * by page (vm_world_set_page_at_a_time), runs the same operations over
 * larger ranges, and must report the same regions, pages, objects and
 * effects after each one (frame ids aside: a run takes its frames in one
 * block).  Fixed seeds: deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "test_util.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

static unsigned long long seed;
static unsigned max_pages = 5;   /* sizes of 1..max_pages pages */

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
	uint64_t size = rnd(20) == 0 ? 0 : (uint64_t)(1 + rnd(max_pages)) * ps - (rnd(8) == 0 ? 1 : 0);
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

/* Append to BUF what a region, its pages and its object say (frame ids
 * only as present or not). */
static size_t
region_digest(const struct vm_world *w, int t, size_t i, char *buf, size_t len)
{
	static struct vm_page_info pg[4096];
	struct vm_region_info ri;
	struct vm_object_info oi;
	size_t n = 0, np;

	vm_region_get(w, t, i, &ri);
	n += (size_t)snprintf(buf + n, len - n, "%d:%llx-%llx:%d/%d:%u:%u:%u:%u:%u:%u:%u:%d%d:",
	                      t, (unsigned long long)ri.start, (unsigned long long)ri.end,
	                      ri.share_mode, ri.top_share_mode, ri.ref_count, ri.pages_resident,
	                      ri.pages_dirtied, ri.pages_shared_now_private, ri.pages_cow,
	                      ri.pages_shared, ri.shadow_depth, ri.needs_copy, ri.external);
	if (vm_object_get(w, ri.object, &oi))
		n += (size_t)snprintf(buf + n, len - n, "#%u r%u s%u res%u:", oi.id, oi.ref_count,
		                      oi.shadow, oi.resident);
	np = vm_region_pages(w, t, i, pg, sizeof pg / sizeof pg[0]);
	for (size_t p = 0; p < np && p < sizeof pg / sizeof pg[0] && n + 8 < len; p++) {
		buf[n++] = (char)('0' + pg[p].kind);
		buf[n++] = (char)('0' + pg[p].dirty);
		buf[n++] = (char)('0' + (pg[p].depth > 9 ? 9 : pg[p].depth));
		buf[n++] = pg[p].frame != 0 ? 'f' : '-';
	}
	buf[n] = '\0';
	return n;
}

/* Everything W reports, for comparing a world with its page-at-a-time twin. */
static void
full_digest(const struct vm_world *w, char *buf, size_t len)
{
	const struct vm_effects *fx = vm_world_effects(w);
	size_t n = (size_t)snprintf(buf, len, "fx %x %u %u %u %zu %zu;", fx->flags,
	                            fx->pages_zero_filled, fx->pages_copied, fx->pages_pushed,
	                            vm_world_nobjects(w), vm_world_nframes(w));

	for (int t = 0; t < vm_task_count(w) && n + 64 < len; t++)
		for (size_t i = 0; i < vm_task_nentries(w, t) && n + 64 < len; i++)
			n += region_digest(w, t, i, buf + n, len - n);
}

/* The same operations on a world and its page-at-a-time twin, compared
 * after each; returns the first step that differs, or STEPS. */
static size_t
twin_run(const struct vm_profile *prof, unsigned run, size_t steps, char *a, char *b, size_t len)
{
	struct vm_world *w = vm_world_new(prof, 0), *r = vm_world_new(prof, 0);
	int nent[2] = { 0, 0 }, forks[2] = { 0, 0 };
	size_t s;

	vm_world_set_page_at_a_time(r, true);
	for (int k = 0; k < 2; k++) {
		vm_task_create(k ? r : w, "a");
		vm_task_create(k ? r : w, "b");
	}
	seed = 0x2545f4914f6cdd1dull * (run + 1) + prof->name[0];
	for (s = 0; s < steps; s++) {
		unsigned long long at = seed;
		kern_return_t k1 = random_op(w, &nent[0], &forks[0]), k2;
		char msg[256];

		seed = at;
		k2 = random_op(r, &nent[1], &forks[1]);
		full_digest(w, a, len);
		full_digest(r, b, len);
		if (k1 != k2 || strcmp(a, b) != 0 || !vm_world_check(w, msg, sizeof msg))
			break;
	}
	vm_world_free(w);
	vm_world_free(r);
	return s;
}

/*
 * Random operations over maps of some hundreds of entries, so that their
 * lookups go through the map's lookup cache: after each, every entry must
 * be found where the tree finds it (vm_world_check), and a deep copy must
 * report the same regions.
 */
static bool
big_map_run(const struct vm_profile *p, unsigned run, char *msg, size_t msglen)
{
	static char a[1 << 20], b[1 << 20];
	struct vm_world *w = vm_world_new(p, 0);
	uint32_t ps = vm_world_page_size(w);
	int nent = 0, forks = 0;
	bool good = true;

	seed = 0x2545f4914f6cdd1dull * (run + 7) + 3;
	vm_task_create(w, "a");
	vm_task_create(w, "b");
	for (int i = 0; i < 600; i++) {
		uint64_t at = p->map_min + (uint64_t)rnd(4096) * 2 * ps;

		(void)vm_op_allocate(w, i % 2, &at, ps * (1 + rnd(2)), VM_FLAGS_FIXED, (int)rnd(3));
	}
	for (size_t step = 0; step < 800 && good; step++) {
		(void)random_op(w, &nent, &forks);
		good = vm_world_check(w, msg, msglen);
		if (good && step % 101 == 0) {
			struct vm_world *c = vm_world_clone(w);

			world_digest(c, a, sizeof a);
			world_digest(w, b, sizeof b);
			if (!(good = strcmp(a, b) == 0))
				snprintf(msg, msglen, "step %zu: the copy differs", step);
			vm_world_free(w);
			w = c;
		}
	}
	good = good && vm_task_nentries(w, 0) >= 64;
	vm_world_free(w);
	return good;
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
	for (size_t p = 0; vm_profiles[p] != NULL; p++) {
		for (unsigned run = 0; run < 1; run++) {
			char msg[256] = "";

			ok(big_map_run(vm_profiles[p], run, msg, sizeof msg),
			   "%s big maps %u: lookups agree with the tree over random operations %s",
			   vm_profiles[p]->name, run, msg);
		}
	}
	max_pages = 48;
	for (size_t p = 0; vm_profiles[p] != NULL; p++) {
		for (unsigned run = 0; run < 3; run++) {
			static char a[1 << 20], b[1 << 20];
			size_t s = twin_run(vm_profiles[p], run, 600, a, b, sizeof a);

			if (s < 600) {
				size_t d = 0;

				while (a[d] == b[d] && a[d] != '\0')
					d++;
				printf("# step %zu differs at %zu: runs \"%.60s\" vs one by one \"%.60s\"\n",
				       s, d, a + (d > 20 ? d - 20 : 0), b + (d > 20 ? d - 20 : 0));
			}
			ok(s == 600, "%s twin %u: page runs behave as pages one at a time (%zu steps)",
			   vm_profiles[p]->name, run, s);
		}
	}
	return tap_done();
}
