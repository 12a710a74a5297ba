/* SPDX-License-Identifier: MIT */
/*
 * test_util.h -- helpers shared by the C tests of the trace and replay
 * layers: load an inline trace, open a replay, digest a state.  Static
 * inline, like tap.h: each test driver is one translation unit.
 */
#ifndef VMSCOPE_TEST_UTIL_H
#define VMSCOPE_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"
#include "trace/trace.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

/* Load the trace TEXT or bail out. */
static inline struct trace *
load(const char *text)
{
	struct trace *t = NULL;
	struct trace_error err;

	if (trace_load_mem("inline.jsonl", text, strlen(text), &t, &err) != 0) {
		char msg[600];

		trace_error_format(&err, msg, sizeof msg);
		printf("Bail out! %s\n", msg);
		exit(1);
	}
	return t;
}

/* Open a replay of T under PROFILE (NULL: the trace's), checkpoints every
 * EVERY steps (0: automatic), or bail out. */
static inline struct replay *
open_replay(struct trace *t, const char *profile, size_t every)
{
	struct replay_opts o = { .profile = profile ? vm_profile_find(profile) : NULL,
	                         .checkpoint_every = every };
	char err[256];
	struct replay *r = replay_new(t, &o, err, sizeof err);

	if (r == NULL) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	return r;
}

/* A digest of every region of every task of W, to compare states. */
static inline void
world_digest(const struct vm_world *w, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int t = 0; t < vm_task_count(w) && n < len; t++) {
		struct vm_region_info ri;

		for (size_t i = 0; vm_region_get(w, t, i, &ri) && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%d:%llx-%llx:%d:%u:%u:%u:%u:%u:%u;", t,
			                      (unsigned long long)ri.start, (unsigned long long)ri.end,
			                      ri.share_mode, ri.ref_count, ri.pages_resident,
			                      ri.pages_dirtied, ri.shadow_depth, ri.prot, ri.object);
	}
}

/* The digest of the replay's current state. */
static inline void
digest(const struct replay *r, char *buf, size_t len)
{
	world_digest(replay_world(r), buf, len);
}

#endif
