/* SPDX-License-Identifier: MIT */
/*
 * fuzz_trace.c -- a libFuzzer target: any bytes as a trace file.
 *
 * The loader must refuse bad input with a message (never crash, never
 * leak), and a trace it accepts must replay: every step applied, a seek
 * back to the start and forward again, and dumps of the first and last
 * step.  `make fuzz` builds it with clang and runs it for FUZZ_SECONDS
 * (default 60) on the scenarios and the bad-input cases as a seed corpus.
 * Not part of `make check`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay/dump.h"
#include "replay/replay.h"
#include "trace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Load, replay and dump one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace *t = NULL;
	struct trace_error err;
	struct replay *r;
	char msg[256];
	FILE *null;

	if (trace_load_mem("fuzz.jsonl", (const char *)data, size, &t, &err) != 0)
		return 0;
	r = replay_new(t, NULL, msg, sizeof msg);
	if (r != NULL) {
		null = fopen("/dev/null", "w");
		replay_seek(r, 0);
		if (null != NULL)
			dump_step(r, DUMP_JSON, null);
		replay_seek(r, replay_nsteps(r));
		if (null != NULL) {
			dump_step(r, DUMP_TEXT, null);
			fclose(null);
		}
		replay_free(r);
	}
	trace_free(t);
	return 0;
}
