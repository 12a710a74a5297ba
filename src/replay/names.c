/* SPDX-License-Identifier: MIT */
/*
 * names.c -- region names with a hash by (task, name) and a sorted index
 * by (task, start), both rebuilt lazily after a change (names.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

struct rnames_index {
	uint32_t *hash;       /* open addressing: name index + 1, 0 = empty */
	size_t hcap;          /* power of two */
	bool hash_ok;
	uint32_t *by_addr;    /* name indexes sorted by (task, start) */
	uint64_t maxlen;      /* the longest range: how far back a cover may start */
	bool addr_ok;
};

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

/* The index of S, allocated on first use. */
static struct rnames_index *
index_of(const struct rnames *s)
{
	struct rnames *m = (struct rnames *)s;   /* the index is a cache */

	if (m->ix == NULL) {
		m->ix = calloc(1, sizeof *m->ix);
		if (m->ix == NULL)
			abort();
	}
	return m->ix;
}

/* Forget both indexes (the names changed). */
static void
invalidate(struct rnames *s)
{
	if (s->ix != NULL)
		s->ix->hash_ok = s->ix->addr_ok = false;
}

static size_t
hash_slot(int task, uint32_t name, size_t cap)
{
	uint64_t h = ((uint64_t)(uint32_t)task << 32 | name) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 17) & (cap - 1);
}

/* Put name index I into the hash (which has room). */
static void
hash_put(const struct rnames *s, struct rnames_index *ix, size_t i)
{
	size_t h = hash_slot(s->v[i].task, s->v[i].name, ix->hcap);

	while (ix->hash[h] != 0)
		h = (h + 1) & (ix->hcap - 1);
	ix->hash[h] = (uint32_t)i + 1;
}

/* Build the hash over every name. */
static void
hash_build(const struct rnames *s, struct rnames_index *ix)
{
	size_t cap = 16;

	while (cap < 2 * s->n + 2)
		cap *= 2;
	if (cap != ix->hcap) {
		ix->hash = xrealloc(ix->hash, cap * sizeof *ix->hash);
		ix->hcap = cap;
	}
	memset(ix->hash, 0, cap * sizeof *ix->hash);
	for (size_t i = 0; i < s->n; i++)
		hash_put(s, ix, i);
	ix->hash_ok = true;
}

/* The index of (TASK, NAME) in S->v, or -1. */
static long
lookup(const struct rnames *s, int task, uint32_t name)
{
	struct rnames_index *ix = index_of(s);
	size_t h;

	if (!ix->hash_ok)
		hash_build(s, ix);
	for (h = hash_slot(task, name, ix->hcap); ix->hash[h] != 0; h = (h + 1) & (ix->hcap - 1)) {
		const struct rname *n = &s->v[ix->hash[h] - 1];

		if (n->task == task && n->name == name)
			return (long)ix->hash[h] - 1;
	}
	return -1;
}

void
rnames_set(struct rnames *s, int task, uint32_t name, uint64_t start, uint64_t end)
{
	long i = lookup(s, task, name);
	struct rnames_index *ix = s->ix;

	if (i >= 0) {
		s->v[i].start = start;
		s->v[i].end = end;
		s->v[i].seq = ++s->seq;
		ix->addr_ok = false;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n] = (struct rname){ task, name, start, end, ++s->seq };
	s->n++;
	ix->addr_ok = false;
	if (2 * s->n + 2 > ix->hcap)
		ix->hash_ok = false;       /* rebuilt larger on the next lookup */
	else
		hash_put(s, ix, s->n - 1);
}

const struct rname *
rnames_find(const struct rnames *s, int task, uint32_t name)
{
	long i = lookup(s, task, name);

	return i >= 0 ? &s->v[i] : NULL;
}

static const struct rnames *sort_names;

static int
cmp_addr(const void *a, const void *b)
{
	const struct rname *x = &sort_names->v[*(const uint32_t *)a];
	const struct rname *y = &sort_names->v[*(const uint32_t *)b];

	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Build the address index. */
static void
addr_build(const struct rnames *s, struct rnames_index *ix)
{
	ix->by_addr = xrealloc(ix->by_addr, s->n * sizeof *ix->by_addr);
	ix->maxlen = 0;
	for (size_t i = 0; i < s->n; i++) {
		ix->by_addr[i] = (uint32_t)i;
		if (s->v[i].end - s->v[i].start > ix->maxlen)
			ix->maxlen = s->v[i].end - s->v[i].start;
	}
	sort_names = s;
	qsort(ix->by_addr, s->n, sizeof *ix->by_addr, cmp_addr);
	ix->addr_ok = true;
}

uint32_t
rnames_at(const struct rnames *s, int task, uint64_t addr)
{
	struct rnames_index *ix = index_of(s);
	size_t lo = 0, hi = s->n;
	const struct rname *best = NULL;

	if (!ix->addr_ok)
		addr_build(s, ix);
	/* The first entry after (TASK, ADDR); covers can only lie before it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rname *n = &s->v[ix->by_addr[mid]];

		if (n->task < task || (n->task == task && n->start <= addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0) {
		const struct rname *n = &s->v[ix->by_addr[lo]];

		if (n->task != task || addr - n->start >= ix->maxlen)
			break;
		if (addr < n->end && (best == NULL || n->seq > best->seq))
			best = n;
	}
	return best != NULL ? best->name : 0;
}

void
rnames_drop_task(struct rnames *s, int task)
{
	size_t j = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].task != task)
			s->v[j++] = s->v[i];
	if (j != s->n) {
		s->n = j;
		invalidate(s);
	}
}

void
rnames_copy_task(struct rnames *s, int from, int to)
{
	size_t n = s->n;

	for (size_t i = 0; i < n; i++) {
		long j;

		if (s->v[i].task != from)
			continue;
		rnames_set(s, to, s->v[i].name, s->v[i].start, s->v[i].end);
		/* Keep the parent's order of giving: the newest still wins. */
		j = lookup(s, to, s->v[i].name);
		s->v[j].seq = s->v[i].seq;
	}
}

void
rnames_clone(struct rnames *dst, const struct rnames *src)
{
	dst->n = dst->cap = src->n;
	dst->seq = src->seq;
	dst->ix = NULL;
	dst->v = xrealloc(NULL, src->n * sizeof *dst->v);
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof *src->v);
}

void
rnames_free(struct rnames *s)
{
	if (s->ix != NULL) {
		free(s->ix->hash);
		free(s->ix->by_addr);
		free(s->ix);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}
