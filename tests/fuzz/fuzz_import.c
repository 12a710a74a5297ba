/* SPDX-License-Identifier: MIT */
/*
 * fuzz_import.c -- a libFuzzer target: any bytes as a capture for one
 * importer (built once per kind: -DFUZZ_KIND=IMPORT_VMMAP, IMPORT_SMAPS,
 * IMPORT_VMINFO; maps captures go to the smaps importer).
 *
 * An importer must refuse what it cannot parse with a message (never crash,
 * never leak), and whatever it writes must load: each input goes through
 * the real `vmscope import` path (trace_import: sniff, parse, write), and a
 * trace it wrote that the loader refuses is a crash (abort).  Files live
 * in /dev/shm when it exists (tmpfs: cheap), else $TMPDIR or /tmp.
 * `make fuzz` builds and runs it; not part of `make check`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "import/import.h"
#include "trace/trace.h"

#ifndef FUZZ_KIND
#define FUZZ_KIND IMPORT_SMAPS
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char in_path[256], out_path[256];
static FILE *null;

/* Paths for this process's capture and trace. */
static void
setup(void)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

	if (dir == NULL)
		dir = "/tmp";
	snprintf(in_path, sizeof in_path, "%s/vmscope-fuzz-%d.capture", dir, (int)getpid());
	snprintf(out_path, sizeof out_path, "%s/vmscope-fuzz-%d.jsonl", dir, (int)getpid());
	null = fopen("/dev/null", "w");
}

/* Import one input; what is written must load. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *files[1];
	struct import_opts o = { .kind = FUZZ_KIND, .files = files, .nfiles = 1 };
	struct trace *t = NULL;
	struct trace_error err;
	FILE *f;

	if (null == NULL)
		setup();
	if ((f = fopen(in_path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	files[0] = in_path;
	o.out = out_path;
	o.errs = null;
	if (trace_import(&o) == IMPORT_OK) {
		if (trace_load_file(out_path, &t, &err) != 0) {
			char msg[600];

			trace_error_format(&err, msg, sizeof msg);
			fprintf(stderr, "the importer wrote a trace the loader refuses: %s\n", msg);
			abort();
		}
		trace_free(t);
	}
	unlink(out_path);
	return 0;
}
