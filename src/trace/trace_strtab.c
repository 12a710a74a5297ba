/* SPDX-License-Identifier: MIT */
/*
 * trace_strtab.c -- string interning for the trace loader.
 *
 * Strings live in strs[1..n-1] (strs[0] is the reserved "none" slot, so n is
 * 0 for an empty table and otherwise one more than the number of strings).
 * The hash table holds ids, 0 marking an empty slot; it uses linear probing
 * over a power-of-two capacity kept at most half full, so a lookup costs a
 * hash of the string plus, on average, one strcmp.
 */
#include <stdlib.h>
#include <string.h>

#include "trace_strtab.h"

/* Hash S with 32-bit FNV-1a. */
static uint32_t
strtab_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h;
}

/* Make ST an empty table. */
void
trace_strtab_init(struct trace_strtab *st)
{
	memset(st, 0, sizeof *st);
}

/* Release the strings, the id array and the hash table. */
void
trace_strtab_free(struct trace_strtab *st)
{
	for (uint32_t i = 1; i < st->n; i++)
		free(st->strs[i]);
	free(st->strs);
	free(st->hash);
	trace_strtab_init(st);
}

/* Return the hash slot holding S, or the empty slot where S would go. */
static uint32_t
strtab_slot(const struct trace_strtab *st, const char *s, uint32_t h)
{
	uint32_t mask = st->hcap - 1;
	uint32_t i = h & mask;

	while (st->hash[i] != 0 && strcmp(st->strs[st->hash[i]], s) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Rebuild the hash table with capacity HCAP (a power of two).  Returns -1
 * when memory runs out, leaving the old table in place. */
static int
strtab_rehash(struct trace_strtab *st, uint32_t hcap)
{
	uint32_t *nh = calloc(hcap, sizeof *nh);

	if (nh == NULL)
		return -1;
	free(st->hash);
	st->hash = nh;
	st->hcap = hcap;
	for (uint32_t id = 1; id < st->n; id++)
		st->hash[strtab_slot(st, st->strs[id], strtab_hash(st->strs[id]))] = id;
	return 0;
}

/* Return the id of S, or 0 when it is not in the table. */
uint32_t
trace_strtab_find(const struct trace_strtab *st, const char *s)
{
	if (st->hcap == 0)
		return 0;
	return st->hash[strtab_slot(st, s, strtab_hash(s))];
}

/* Return the id of S, adding a copy when it is new; 0 when out of memory. */
uint32_t
trace_strtab_intern(struct trace_strtab *st, const char *s)
{
	uint32_t h = strtab_hash(s);
	uint32_t slot;
	size_t len;
	char *copy;

	if (st->hcap != 0) {
		slot = strtab_slot(st, s, h);
		if (st->hash[slot] != 0)
			return st->hash[slot];
	}
	if (st->n == UINT32_MAX)
		return 0;
	if (st->n + 1 >= st->cap) {
		uint32_t ncap = st->cap < 16 ? 16 : st->cap * 2;
		char **ns;

		if (st->cap > UINT32_MAX / 2)
			return 0;
		ns = realloc(st->strs, (size_t)ncap * sizeof *ns);
		if (ns == NULL)
			return 0;
		st->strs = ns;
		st->cap = ncap;
	}
	if (st->n == 0) {
		st->strs[0] = NULL;
		st->n = 1;
	}
	/* Keep the table at most half full. */
	if ((uint64_t)st->n * 2 >= st->hcap) {
		if (st->hcap > UINT32_MAX / 2)
			return 0;
		if (strtab_rehash(st, st->hcap == 0 ? 64 : st->hcap * 2) != 0)
			return 0;
	}
	len = strlen(s);
	copy = malloc(len + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, s, len + 1);
	slot = strtab_slot(st, s, h);
	st->strs[st->n] = copy;
	st->hash[slot] = st->n;
	return st->n++;
}

/* Return the string with id ID, or "" for none. */
const char *
trace_strtab_get(const struct trace_strtab *st, uint32_t id)
{
	if (id == 0 || id >= st->n || st->strs[id] == NULL)
		return "";
	return st->strs[id];
}

/* Shrink the id array to fit. */
void
trace_strtab_compact(struct trace_strtab *st)
{
	char **ns;

	if (st->n == 0 || st->n == st->cap)
		return;
	ns = realloc(st->strs, (size_t)st->n * sizeof *ns);
	if (ns != NULL) {
		st->strs = ns;
		st->cap = st->n;
	}
}

/* Count the heap bytes ST holds. */
size_t
trace_strtab_memory(const struct trace_strtab *st)
{
	size_t bytes = (size_t)st->cap * sizeof *st->strs + (size_t)st->hcap * sizeof *st->hash;

	for (uint32_t i = 1; i < st->n; i++)
		if (st->strs[i] != NULL)
			bytes += strlen(st->strs[i]) + 1;
	return bytes;
}
