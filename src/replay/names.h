/* SPDX-License-Identifier: MIT */
/*
 * names.h -- the region names of a replay state ("as" labels), each tied
 * to a world task and the address range it was given with.
 *
 * Lookups are O(1) by (task, name) through a hash, and O(log n) by address
 * through a sorted index; both indexes are built on first use after a
 * change and are never copied into checkpoints (a clone copies only the
 * names).  When two names of a task cover an address, the one given last
 * wins (each name carries a sequence number).
 */
#ifndef VMSCOPE_NAMES_H
#define VMSCOPE_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct rname {
	int task;             /* world task */
	uint32_t name;        /* trace string id */
	uint64_t start, end;
	uint64_t seq;         /* when it was given: larger is newer */
};

struct rnames_index;

struct rnames {
	struct rname *v;
	size_t n, cap;
	uint64_t seq;
	struct rnames_index *ix;   /* built lazily; NULL until needed */
};

/* Give NAME to [START, END) of TASK (replacing its older range). */
void rnames_set(struct rnames *s, int task, uint32_t name, uint64_t start, uint64_t end);
/* The range NAME stands for in TASK, or NULL. */
const struct rname *rnames_find(const struct rnames *s, int task, uint32_t name);
/* The name (string id) of the newest range of TASK containing ADDR, 0: none. */
uint32_t rnames_at(const struct rnames *s, int task, uint64_t addr);
/* Forget every name of TASK (it exited). */
void rnames_drop_task(struct rnames *s, int task);
/* Give TO every name FROM has, as it is (fork). */
void rnames_copy_task(struct rnames *s, int from, int to);
/* DST = a copy of SRC's names (no indexes); DST is overwritten. */
void rnames_clone(struct rnames *dst, const struct rnames *src);
void rnames_free(struct rnames *s);

#endif
