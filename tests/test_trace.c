/* SPDX-License-Identifier: MIT */
/*
 * test_trace.c -- TAP tests of the trace loader (src/trace/trace_read.c).
 *
 * Good traces are loaded from strings with trace_load_mem and their compact
 * events checked field by field (ops, flags, page units, interned strings,
 * task ids, annotations, observations).  Every class of bad input is checked
 * for its exact "FILE:LINE:COL: message" and for returning no trace.  A few
 * cases go through trace_load_file with a temporary file.  The whole driver
 * must run clean under valgrind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "trace/trace.h"
#include "trace/trace_strtab.h"
#include "vm/vm.h"

/* The lists the loader gives after an unknown op or key. */
#define OPS "(ops: allocate, deallocate, write, read, fork, inherit, protect, ool_send, make_memory_entry, map_entry, release_entry, map_file, exit, note, observe, exec)"
#define EXIT_KEYS "(exit takes: note, mark, task, ask, notes)"
#define HDR "{\"vmscope\": 1, \"tasks\": [\"a\", \"b\"]}\n"

/* Load TEXT (LEN bytes) as "t.jsonl"; print the error and return NULL on
 * failure. */
static struct trace *
load_len(const char *text, size_t len)
{
	struct trace *t = NULL;
	struct trace_error err;
	char buf[600];

	if (trace_load_mem("t.jsonl", text, len, &t, &err) != 0) {
		trace_error_format(&err, buf, sizeof buf);
		printf("# unexpected load error: %s\n", buf);
		return NULL;
	}
	return t;
}

/* Load the NUL-terminated TEXT. */
static struct trace *
load(const char *text)
{
	return load_len(text, strlen(text));
}

/* Check that loading TEXT (LEN bytes) fails with exactly WANT and no trace. */
static void
err_len(const char *text, size_t len, const char *want, const char *what)
{
	struct trace *t = (struct trace *)&t;  /* not NULL: the loader must clear it */
	struct trace_error err;
	char buf[600];
	int rc = trace_load_mem("t.jsonl", text, len, &t, &err);

	if (rc == 0) {
		ok(0, "%s: load fails", what);
		trace_free(t);
		return;
	}
	trace_error_format(&err, buf, sizeof buf);
	ok(t == NULL, "%s: no trace returned", what);
	is_str(buf, want, "%s", what);
}

/* Check that loading the NUL-terminated TEXT fails with exactly WANT. */
static void
err(const char *text, const char *want, const char *what)
{
	err_len(text, strlen(text), want, what);
}

/* Check the header fields. */
static void
test_header(void)
{
	struct trace *t = load("\n  \n{\"vmscope\": 1, \"title\": \"T\", \"profile\": \"linux\", "
	                       "\"tasks\": [\"server\", \"client\"], \"page_size\": 16384, "
	                       "\"x_recorder\": {\"v\": 2}}\n");

	if (!ok(t != NULL, "header loads (after blank lines, with an x_ key)"))
		return;
	is_str(t->path, "t.jsonl", "path kept");
	is_str(t->title, "T", "title");
	is_str(t->profile, "linux", "profile");
	is_int(t->page_size, 16384, "page_size");
	is_int(t->nheader_tasks, 2, "two header tasks");
	is_int(t->ntask_names, 2, "two task names");
	is_str(trace_task_name(t, 0), "server", "task 0");
	is_str(trace_task_name(t, 1), "client", "task 1");
	is_str(trace_task_name(t, 7), "", "task id out of range");
	is_int(t->nev, 0, "no events");
	ok(trace_memory(t) > sizeof *t, "trace_memory counts the header");
	trace_free(t);

	t = load("{\"vmscope\": 1, \"tasks\": [\"x\"]}");
	if (ok(t != NULL, "minimal header without newline")) {
		ok(t->title == NULL && t->profile == NULL, "no title, no profile");
		is_int(t->page_size, 0, "page_size 0: the profile's");
		trace_free(t);
	}
	t = load("{\"vmscope\": 1, \"tasks\": [\"x\"], \"page_size\": \"0x100000\"}\r\n");
	if (ok(t != NULL, "page_size as hex string, CRLF")) {
		is_int(t->page_size, 1048576, "page_size 1 MiB");
		trace_free(t);
	}
}

/* Check allocate, deallocate, write, read and the quantity forms. */
static void
test_range_ops(void)
{
	const struct trace_event *e;
	struct trace *t = load(HDR
		"{\"op\": \"allocate\", \"task\": \"a\", \"size\": \"16p\", \"addr\": \"0x100000000\", "
		"\"purgeable\": true, \"tag\": 240, \"as\": \"buf\"}\n"
		"{\"op\": \"allocate\", \"task\": \"b\", \"size\": 16384, \"purgeable\": false}\n"
		"\n"
		"{\"op\": \"write\", \"task\": \"a\", \"region\": \"buf\", \"offset\": \"1p\", "
		"\"size\": \"0X2000\"}\n"
		"{\"op\": \"read\", \"task\": \"a\", \"addr\": \"4294967296\"}\n"
		"{\"op\": \"deallocate\", \"task\": \"a\", \"addr\": 4294967296, \"size\": \"2p\"}\n"
		"{\"op\": \"deallocate\", \"task\": \"b\", \"region\": \"buf\", \"x_why\": [1, 2]}\n"
		"{\"op\": \"write\", \"task\": \"a\", \"addr\": \"0xffffffffffffffff\", \"size\": \"007\"}\n"
		"{\"op\": \"read\", \"task\": \"a\", \"addr\": 9007199254740992, \"size\": 0}\n");

	if (!ok(t != NULL, "range ops load"))
		return;
	is_int(t->nev, 8, "8 events");
	e = &t->ev[0];
	is_int(e->op, TOP_ALLOCATE, "allocate op");
	is_int(e->line, 2, "allocate on line 2");
	is_int(e->task, 0, "allocate task a = 0");
	is_int(e->size, 16, "size in pages kept as 16");
	is_int(e->addr, 0x100000000ll, "addr hex");
	is_int(e->flags, TEF_ADDR | TEF_SIZE | TEF_SIZE_PAGES | TEF_PURGEABLE, "allocate flags");
	is_int(e->tag, 240, "tag");
	is_str(trace_str(t, e->as), "buf", "as name");
	e = &t->ev[1];
	is_int(e->task, 1, "task b = 1");
	is_int(e->size, 16384, "size as JSON integer");
	is_int(e->flags, TEF_SIZE, "purgeable false sets nothing");
	is_int(e->as, 0, "no as");
	e = &t->ev[2];
	is_int(e->op, TOP_WRITE, "write op");
	is_int(e->line, 5, "blank line counted: write on line 5");
	is_str(trace_str(t, e->region), "buf", "write region");
	is_int(e->region, t->ev[0].as, "region and as share one interned id");
	is_int(e->offset, 1, "offset 1 page");
	is_int(e->size, 0x2000, "size 0X2000");
	is_int(e->flags, TEF_OFFSET | TEF_OFFSET_PAGES | TEF_SIZE, "write flags");
	e = &t->ev[3];
	is_int(e->op, TOP_READ, "read op");
	is_int(e->addr, 4294967296ll, "decimal string addr");
	is_int(e->flags, TEF_ADDR, "read with addr only: TEF_SIZE unset");
	e = &t->ev[4];
	is_int(e->op, TOP_DEALLOCATE, "deallocate op");
	is_int(e->flags, TEF_ADDR | TEF_SIZE | TEF_SIZE_PAGES, "deallocate flags");
	is_int(e->size, 2, "deallocate 2 pages");
	e = &t->ev[5];
	is_int(e->task, 1, "deallocate by region in b");
	is_int(e->flags, 0, "region only: no range flags");
	is_str(trace_str(t, e->region), "buf", "deallocate region");
	e = &t->ev[6];
	ok(e->addr == UINT64_MAX, "addr 0xffffffffffffffff");
	is_int(e->size, 7, "\"007\" is decimal 7");
	e = &t->ev[7];
	ok(e->addr == 9007199254740992ull, "2^53 as a JSON number");
	is_int(e->flags, TEF_ADDR | TEF_SIZE, "size 0 is given");
	is_int(t->strings.n, 2, "one interned string (plus slot 0)");
	trace_free(t);
}

/* Check fork, inherit, protect, ool_send, memory entries, files, exit,
 * note. */
static void
test_other_ops(void)
{
	const struct trace_event *e;
	struct trace *t = load(HDR
		"{\"op\": \"fork\", \"task\": \"a\", \"child\": \"kid\"}\n"
		"{\"op\": \"inherit\", \"task\": \"a\", \"region\": \"r\", \"inheritance\": \"share\"}\n"
		"{\"op\": \"inherit\", \"task\": \"a\", \"addr\": 0, \"size\": 1, \"inheritance\": \"none\"}\n"
		"{\"op\": \"inherit\", \"task\": \"a\", \"region\": \"r\", \"inheritance\": \"copy\"}\n"
		"{\"op\": \"protect\", \"task\": \"kid\", \"addr\": \"0x4000\", \"size\": \"0x4000\", "
		"\"prot\": \"r--\", \"max\": \"r-x\"}\n"
		"{\"op\": \"protect\", \"task\": \"a\", \"region\": \"r\", \"prot\": \"---\"}\n"
		"{\"op\": \"ool_send\", \"task\": \"a\", \"to\": \"b\", \"region\": \"r\", \"size\": \"3p\", "
		"\"copy\": \"physical\", \"deallocate\": true, \"as\": \"got\"}\n"
		"{\"op\": \"ool_send\", \"task\": \"b\", \"to\": \"other\", \"addr\": 16384, \"size\": 16384, "
		"\"copy\": \"virtual\", \"deallocate\": false}\n"
		"{\"op\": \"make_memory_entry\", \"task\": \"a\", \"region\": \"r\", \"as\": \"ent\"}\n"
		"{\"op\": \"map_entry\", \"task\": \"b\", \"entry\": \"ent\", \"as\": \"m\"}\n"
		"{\"op\": \"release_entry\", \"entry\": \"ent\"}\n"
		"{\"op\": \"map_file\", \"task\": \"a\", \"file\": \"/lib/x.dylib\", \"size\": \"4p\", "
		"\"offset\": 8192, \"private\": true, \"as\": \"lib\"}\n"
		"{\"op\": \"exit\", \"task\": \"kid\"}\n"
		"{\"op\": \"note\", \"text\": \"Now the child exits.\", \"mark\": \"Chapter 2\"}\n");

	if (!ok(t != NULL, "other ops load"))
		return;
	is_int(t->nev, 14, "14 events");
	e = &t->ev[0];
	is_int(e->op, TOP_FORK, "fork");
	is_int(e->task2, 2, "child kid gets task id 2");
	is_int(t->ntask_names, 4, "task names: a, b, kid, other");
	is_int(t->nheader_tasks, 2, "header tasks stay 2");
	is_str(trace_task_name(t, 2), "kid", "task 2 is kid");
	is_str(trace_task_name(t, 3), "other", "task 3 is other");
	is_int(t->ev[1].inheritance, VM_INHERIT_SHARE, "inherit share");
	is_int(t->ev[2].inheritance, VM_INHERIT_NONE, "inherit none");
	is_int(t->ev[2].flags, TEF_ADDR | TEF_SIZE, "inherit addr+size flags");
	is_int(t->ev[3].inheritance, VM_INHERIT_COPY, "inherit copy");
	e = &t->ev[4];
	is_int(e->op, TOP_PROTECT, "protect");
	is_int(e->task, 2, "protect in kid");
	is_int(e->prot, VM_PROT_READ, "prot r--");
	is_int(e->max_prot, VM_PROT_READ | VM_PROT_EXECUTE, "max r-x");
	is_int(e->flags, TEF_ADDR | TEF_SIZE | TEF_SET_MAX, "protect flags with max");
	is_int(t->ev[5].prot, 0, "prot ---");
	is_int(t->ev[5].flags, 0, "protect without max");
	e = &t->ev[6];
	is_int(e->op, TOP_OOL_SEND, "ool_send");
	is_int(e->task2, 1, "ool to b");
	is_int(e->flags, TEF_PHYSICAL | TEF_DEALLOC | TEF_SIZE | TEF_SIZE_PAGES, "ool flags");
	is_str(trace_str(t, e->as), "got", "ool as");
	is_int(t->ev[7].flags, TEF_ADDR | TEF_SIZE, "virtual copy, no deallocate");
	is_int(t->ev[7].task2, 3, "ool to a new task name");
	e = &t->ev[8];
	is_int(e->op, TOP_MAKE_MEMORY_ENTRY, "make_memory_entry");
	is_str(trace_str(t, e->as), "ent", "entry name");
	e = &t->ev[9];
	is_int(e->op, TOP_MAP_ENTRY, "map_entry");
	is_str(trace_str(t, e->region), "ent", "map_entry entry -> region");
	is_str(trace_str(t, e->as), "m", "map_entry as");
	e = &t->ev[10];
	is_int(e->op, TOP_RELEASE_ENTRY, "release_entry");
	is_str(trace_str(t, e->region), "ent", "release_entry entry");
	e = &t->ev[11];
	is_int(e->op, TOP_MAP_FILE, "map_file");
	is_str(trace_str(t, e->region), "/lib/x.dylib", "file -> region");
	is_int(e->size, 4, "file size 4 pages");
	is_int(e->offset, 8192, "file offset");
	is_int(e->flags, TEF_SIZE | TEF_SIZE_PAGES | TEF_OFFSET | TEF_PRIVATE, "map_file flags");
	is_int(t->ev[12].op, TOP_EXIT, "exit");
	is_int(t->ev[12].task, 2, "exit kid");
	e = &t->ev[13];
	is_int(e->op, TOP_NOTE, "note op");
	is_str(trace_str(t, e->region), "Now the child exits.", "note text -> region");
	is_str(trace_event_mark(t, e), "Chapter 2", "mark on the note op");
	ok(trace_event_note(t, e) == NULL, "no narration note");
	trace_free(t);
}

/* Check note/mark annotations and UTF-8 text. */
static void
test_annotations(void)
{
	struct trace *t = load(HDR
		"{\"op\": \"exit\", \"task\": \"a\", \"note\": \"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"}\n"
		"{\"op\": \"exit\", \"task\": \"b\"}\n"
		"{\"op\": \"exit\", \"task\": \"b\", \"mark\": \"M\", \"note\": \"N\"}\n"
		"{\"op\": \"exit\", \"task\": \"b\", \"note\": \"\"}\n");

	if (!ok(t != NULL, "annotated trace loads"))
		return;
	is_int(t->nannots, 2, "two annotations");
	is_int(t->ev[0].annot, 1, "first event annot 1");
	is_str(trace_event_note(t, &t->ev[0]), "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
	       "UTF-8 note kept");
	ok(trace_event_mark(t, &t->ev[0]) == NULL, "no mark");
	is_int(t->ev[1].annot, 0, "plain event: no annot");
	ok(trace_event_note(t, &t->ev[1]) == NULL, "plain event: note NULL");
	is_str(trace_event_note(t, &t->ev[2]), "N", "note N");
	is_str(trace_event_mark(t, &t->ev[2]), "M", "mark M");
	is_int(t->ev[3].annot, 0, "empty note: none");
	is_str(trace_str(t, 0), "", "string 0 is empty");
	is_str(trace_str(t, 999), "", "string out of range is empty");
	trace_free(t);
}

/* Check observe events. */
static void
test_observe(void)
{
	const struct trace_obs *o;
	const struct trace_obs_region *r;
	struct trace *t = load(HDR
		"{\"op\": \"observe\", \"task\": \"a\", \"regions\": ["
		"{\"start\": \"0x100000000\", \"end\": \"0x100008000\", \"name\": \"buf\", "
		"\"prot\": \"rw-\", \"max_prot\": \"rwx\", \"share_mode\": \"COW\", \"ref_count\": 2, "
		"\"pages_resident\": 2, \"pages_dirtied\": 1, \"pages_swapped\": 3, "
		"\"pages_private\": 4, \"pages_cow\": 5, \"pages_shared\": 6, \"pages_zero\": 7, "
		"\"x_extra\": null}, "
		"{\"start\": 0, \"end\": 4096, \"share_mode\": \"SM_TRUESHARED\"}, "
		"{\"start\": 0, \"end\": 1, \"share_mode\": \"S/A\"}, "
		"{\"start\": 0, \"end\": 1, \"share_mode\": \"SHM\"}, "
		"{\"start\": 0, \"end\": 1, \"share_mode\": \"NUL\"}]}\n"
		"{\"op\": \"observe\", \"task\": \"b\", \"regions\": []}\n");

	if (!ok(t != NULL, "observe loads"))
		return;
	is_int(t->nobs, 2, "two observations");
	is_int(t->ev[0].obs, 1, "first observe -> obs 1");
	is_int(t->ev[1].obs, 2, "second observe -> obs 2");
	o = &t->obs[0];
	is_int(o->nregions, 5, "five regions");
	r = &o->regions[0];
	is_int(r->start, 0x100000000ll, "start");
	is_int(r->end, 0x100008000ll, "end");
	is_str(trace_str(t, r->name), "buf", "region name");
	is_int(r->prot, 3, "prot rw-");
	is_int(r->max_prot, 7, "max_prot rwx");
	is_int(r->share_mode, SM_COW, "COW");
	is_int(r->ref_count, 2, "ref_count");
	is_int(r->pages_resident, 2, "pages_resident");
	is_int(r->pages_dirtied, 1, "pages_dirtied");
	is_int(r->pages_swapped, 3, "pages_swapped");
	is_int(r->pages_private, 4, "pages_private");
	is_int(r->pages_cow, 5, "pages_cow");
	is_int(r->pages_shared, 6, "pages_shared");
	is_int(r->pages_zero, 7, "pages_zero");
	is_int(o->regions[1].share_mode, SM_TRUESHARED, "SM_TRUESHARED");
	is_int(o->regions[1].ref_count, 0, "absent counters are 0");
	is_int(o->regions[1].name, 0, "absent name is 0");
	is_int(o->regions[2].share_mode, SM_SHARED_ALIASED, "S/A");
	is_int(o->regions[3].share_mode, SM_SHARED, "SHM");
	is_int(o->regions[4].share_mode, SM_EMPTY, "NUL");
	is_int(t->obs[1].nregions, 0, "empty observation");
	trace_free(t);
}

/* Check the names of ops. */
static void
test_op_names(void)
{
	static const char *const names[] = {
		"allocate", "deallocate", "write", "read", "fork", "inherit", "protect",
		"ool_send", "make_memory_entry", "map_entry", "release_entry", "map_file",
		"exit", "note", "observe", "exec",
	};
	int good = sizeof names / sizeof names[0] == TOP_COUNT - 1;

	for (int op = TOP_ALLOCATE; good && op < TOP_COUNT; op++)
		if (strcmp(trace_op_name(op), names[op - 1]) != 0)
			good = 0;
	ok(good, "trace_op_name names all 16 ops");
	is_str(trace_op_name(TOP_NONE), "?", "TOP_NONE has no name");
	is_str(trace_op_name(TOP_COUNT), "?", "past the end");
}

/* Check the string table directly. */
static void
test_strtab(void)
{
	struct trace_strtab st;
	uint32_t ids[1000];
	char buf[16];
	int good = 1;

	trace_strtab_init(&st);
	is_int(trace_strtab_find(&st, "x"), 0, "empty table finds nothing");
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof buf, "s%d", i);
		ids[i] = trace_strtab_intern(&st, buf);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof buf, "s%d", i);
		if (ids[i] != (uint32_t)i + 1 || trace_strtab_intern(&st, buf) != ids[i] ||
		    trace_strtab_find(&st, buf) != ids[i] || strcmp(trace_strtab_get(&st, ids[i]), buf) != 0)
			good = 0;
	}
	ok(good, "1000 strings interned once each, ids 1..1000");
	is_int(st.n, 1001, "n counts slot 0");
	is_int(trace_strtab_find(&st, "nope"), 0, "unknown string");
	trace_strtab_compact(&st);
	is_int(st.cap, 1001, "compacted");
	ok(trace_strtab_memory(&st) >= 1001 * sizeof(char *) + 1000 * 3, "memory counted");
	trace_strtab_free(&st);
	is_int(st.n, 0, "freed table is empty");
}

/* Check the header errors. */
static void
test_header_errors(void)
{
	err("", "t.jsonl:1:1: missing header (empty file)", "empty file");
	err("\n \n\t\n", "t.jsonl:1:1: missing header (empty file)", "only blank lines");
	err("{\"op\": \"exit\", \"task\": \"a\"}\n",
	    "t.jsonl:1:1: missing header: the first line must be {\"vmscope\": 1, \"tasks\": [...]}, "
	    "not an event", "event before header");
	err("{\"tasks\": [\"a\"]}\n", "t.jsonl:1:1: missing key 'vmscope' in header",
	    "header without vmscope");
	err("{\"vmscope\": 2, \"tasks\": [\"a\"]}\n",
	    "t.jsonl:1:2: unsupported vmscope version 2 (this build reads version 1)", "version 2");
	err("{\"vmscope\": \"1\", \"tasks\": [\"a\"]}\n",
	    "t.jsonl:1:2: key 'vmscope' must be an integer", "version as string");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"profile\": \"xnu\"}\n",
	    "t.jsonl:1:32: unknown profile \"xnu\" (known: xnu-arm64, xnu-x86_64, mach, "
	    "gnumach-2022, gnumach, linux)", "unknown profile");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"page_size\": 5000}\n",
	    "t.jsonl:1:32: bad page_size 5000: must be a power of two from 4096 to 1048576",
	    "page_size not a power of two");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"page_size\": 2048}\n",
	    "t.jsonl:1:32: bad page_size 2048: must be a power of two from 4096 to 1048576",
	    "page_size too small");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"page_size\": 2097152}\n",
	    "t.jsonl:1:32: bad page_size 2097152: must be a power of two from 4096 to 1048576",
	    "page_size too large");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"page_size\": \"4p\"}\n",
	    "t.jsonl:1:32: page units (\"4p\") are not allowed for key 'page_size'",
	    "page_size in pages");
	err("{\"vmscope\": 1}\n", "t.jsonl:1:1: missing key 'tasks' in header", "no tasks");
	err("{\"vmscope\": 1, \"tasks\": []}\n", "t.jsonl:1:16: key 'tasks' must not be empty",
	    "empty tasks");
	err("{\"vmscope\": 1, \"tasks\": \"a\"}\n",
	    "t.jsonl:1:16: key 'tasks' must be an array of strings", "tasks not an array");
	err("{\"vmscope\": 1, \"tasks\": [\"a\", 2]}\n",
	    "t.jsonl:1:16: key 'tasks' must be an array of strings", "task not a string");
	err("{\"vmscope\": 1, \"tasks\": [\"a\", \"b\", \"a\"]}\n",
	    "t.jsonl:1:16: duplicate task \"a\" in 'tasks'", "duplicate task");
	err("{\"vmscope\": 1, \"tasks\": [\"\"]}\n",
	    "t.jsonl:1:16: empty task name for key 'tasks'", "empty task name");
	err("{\"vmscope\": 1, \"tasks\": [\"0123456789012345678901234567890123456789"
	    "01234567890123456789012345\"]}\n",
	    "t.jsonl:1:16: task name \"01234567890123456789...\" too long (limit 64 bytes)",
	    "task name of 65 bytes");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"title\": 5}\n",
	    "t.jsonl:1:32: key 'title' must be a string", "title not a string");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"titel\": \"x\"}\n",
	    "t.jsonl:1:32: unknown key 'titel' in header; did you mean 'title'?", "unknown header key");
	err("{\"vmscope\": 1, \"tasks\": [\"a\"], \"tasks\": [\"b\"]}\n",
	    "t.jsonl:1:16: duplicate key 'tasks'", "duplicate header key");
}

/* Check JSON-level and byte-level errors. */
static void
test_syntax_errors(void)
{
	static const char nul[] = HDR "{\"op\": \"note\", \"text\": \"a\0b\"}\n";
	char *big;
	size_t n;

	err(HDR "\n{\"op\": \"write\" \"task\": \"a\"}\n", "t.jsonl:3:16: invalid JSON", "bad JSON");
	err(HDR "{\"op\": \"exit\", \"task\": \"a\",}\n", "t.jsonl:2:29: invalid JSON",
	    "trailing comma");
	err(HDR "{\"op\": \"exit\", \"task\": \"a\"\n",
	    "t.jsonl:2:27: invalid JSON: unexpected end of line", "unclosed object");
	err(HDR "{\"op\": \"write\", \"task\"",
	    "t.jsonl:2:23: invalid JSON: unexpected end of file (truncated last line?)",
	    "truncated last line");
	err(HDR "{\"op\": \"note\", \"text\": \"abc",
	    "t.jsonl:2:25: invalid JSON: unexpected end of file (truncated last line?)",
	    "truncated inside a string");
	err(HDR "{\"op\": \"note\", \"text\": \"abc}\n",
	    "t.jsonl:2:25: invalid JSON: unterminated string", "unterminated string");
	err(HDR "{\"op\" \"exit\", \"task\": \"a\"\n", "t.jsonl:2:7: invalid JSON",
	    "unclosed object with an earlier error");
	err(HDR "{\"op\": \"note\", \"text\": \"a\\qb\"}\n", "t.jsonl:2:26: invalid JSON",
	    "bad escape");
	err(HDR "{\"op\": \"exit\", \"task\": \"a\"} {}\n",
	    "t.jsonl:2:29: invalid JSON: text after the object", "two objects on a line");
	err(HDR "  [1, 2]\n", "t.jsonl:2:3: expected a JSON object, not an array", "array line");
	err(HDR "\"op\"\n", "t.jsonl:2:1: expected a JSON object, not a string", "string line");
	err("42\n", "t.jsonl:1:1: expected a JSON object, not a number", "number header");
	err_len(nul, sizeof nul - 1, "t.jsonl:2:26: binary data (NUL byte)", "NUL byte");
	err(HDR "{\"op\": \"note\", \"text\": \"a\x01\"}\n",
	    "t.jsonl:2:26: binary data (control byte 0x01)", "control byte");
	err(HDR "{\"op\": \"note\", \"text\": \"\xc3\x28\"}\n", "t.jsonl:2:25: invalid UTF-8",
	    "bad continuation byte");
	err(HDR "{\"op\": \"note\", \"text\": \"\xc0\xaf\"}\n", "t.jsonl:2:25: invalid UTF-8",
	    "overlong encoding");
	err(HDR "{\"op\": \"note\", \"text\": \"\xed\xa0\x80\"}\n", "t.jsonl:2:25: invalid UTF-8",
	    "UTF-16 surrogate");
	err(HDR "{\"op\": \"note\", \"text\": \"\xf4\x90\x80\x80\"}\n", "t.jsonl:2:25: invalid UTF-8",
	    "above U+10FFFF");
	err(HDR "{\"op\": \"note\", \"text\": \"\xe6\x97\"}\n", "t.jsonl:2:25: invalid UTF-8",
	    "sequence cut short");
	err(HDR "{\"op\": \"note\", \"text\": \"x\xff\"}\n", "t.jsonl:2:26: invalid UTF-8",
	    "byte 0xff");

	/* A line of 2 MiB, then a line of exactly the limit (accepted). */
	n = 2u << 20;
	big = malloc(n + 200);
	if (big != NULL) {
		size_t hl = strlen(HDR), pre;

		memcpy(big, HDR, hl);
		memset(big + hl, ' ', n);
		memcpy(big + hl + n, "\n", 2);
		err_len(big, hl + n + 1, "t.jsonl:2:1: line too long (limit 1048576 bytes)",
		        "line of 2 MiB");
		pre = (size_t)sprintf(big + hl, "{\"op\": \"note\", \"text\": \"");
		memset(big + hl + pre, 'x', 1048576 - pre - 2);
		memcpy(big + hl + 1048576 - 2, "\"}\n", 4);
		{
			struct trace *t = load_len(big, hl + 1048576 + 1);

			if (ok(t != NULL, "a line of exactly 1048576 bytes loads")) {
				is_int(strlen(trace_str(t, t->ev[0].region)), 1048576 - pre - 2,
				       "its text is kept");
				trace_free(t);
			}
		}
		big[hl + 1048576 - 2] = 'x';
		memcpy(big + hl + 1048576 - 1, "\"}\n", 4);
		err_len(big, hl + 1048576 + 2, "t.jsonl:2:1: line too long (limit 1048576 bytes)",
		        "a line of 1048577 bytes");
		/* Binary junk inside an overlong line is reported as such. */
		big[hl + 30] = '\0';
		err_len(big, hl + 1048576 + 2, "t.jsonl:2:31: binary data (NUL byte)",
		        "NUL inside an overlong line");
		free(big);
	}
}

/* Check key, type and value errors of events. */
static void
test_event_errors(void)
{
	err(HDR "{\"task\": \"a\"}\n", "t.jsonl:2:1: missing key 'op'", "no op");
	err(HDR "{\"op\": 3}\n", "t.jsonl:2:2: key 'op' must be a string", "op not a string");
	err(HDR "{\"op\": \"frok\", \"task\": \"a\"}\n", "t.jsonl:2:2: unknown op \"frok\"; did you mean \"fork\"? " OPS,
	    "unknown op");
	err(HDR "{\"op\": \"fr\\nok\"}\n", "t.jsonl:2:2: unknown op \"fr?ok\" " OPS,
	    "control characters in a quoted value");
	{
		char key[64] = "a", in[200], want[200];

		/* "a" and 25 two-byte characters: 51 bytes, cut to 39. */
		for (int i = 0; i < 25; i++)
			strcat(key, "\xc3\xa9");
		snprintf(in, sizeof in, HDR "{\"op\": \"exit\", \"task\": \"a\", \"%s\": 1}\n", key);
		key[39] = '\0';
		snprintf(want, sizeof want, "t.jsonl:2:29: unknown key '%s...' for op 'exit' " EXIT_KEYS, key);
		err(in, want, "long key cut on a UTF-8 boundary");
	}
	err(HDR "{\"op\": \"write\", \"task\": \"a\", \"regoin\": \"r\"}\n",
	    "t.jsonl:2:30: unknown key 'regoin' for op 'write'; did you mean 'region'? "
	    "(write takes: note, mark, task, region, addr, offset, size, ask, notes)", "unknown key");
	err(HDR "{\"op\": \"note\", \"task\": \"a\", \"text\": \"t\"}\n",
	    "t.jsonl:2:16: unknown key 'task' for op 'note' "
	    "(note takes: note, mark, text, ask, notes)", "key of another op");
	err(HDR "{\"op\": \"exit\", \"task\": \"a\", \"task\": \"b\"}\n",
	    "t.jsonl:2:16: duplicate key 'task'", "duplicate key");
	err(HDR "{\"op\": \"write\", \"region\": \"r\"}\n",
	    "t.jsonl:2:1: missing key 'task' for op 'write'", "missing task");
	err(HDR "{\"op\": \"allocate\", \"task\": \"a\"}\n",
	    "t.jsonl:2:1: missing key 'size' for op 'allocate'", "missing size");
	err(HDR "{\"op\": \"make_memory_entry\", \"task\": \"a\", \"region\": \"r\"}\n",
	    "t.jsonl:2:1: missing key 'as' for op 'make_memory_entry'", "memory entry needs as");
	err(HDR "{\"op\": \"write\", \"task\": 1, \"region\": \"r\"}\n",
	    "t.jsonl:2:17: key 'task' must be a string", "task not a string");
	err(HDR "{\"op\": \"allocate\", \"task\": \"a\", \"size\": 1, \"purgeable\": \"yes\"}\n",
	    "t.jsonl:2:44: key 'purgeable' must be a boolean (true or false)", "bool as string");
	err(HDR "{\"op\": \"allocate\", \"task\": \"a\", \"size\": true}\n",
	    "t.jsonl:2:33: key 'size' must be a quantity (integer or string)", "size boolean");
	err(HDR "{\"op\": \"allocate\", \"task\": \"a\", \"size\": 1, \"tag\": 70000}\n",
	    "t.jsonl:2:44: key 'tag' must be an integer from 0 to 65535 (got 70000)", "tag range");
	err(HDR "{\"op\": \"allocate\", \"task\": \"a\", \"size\": 1, \"tag\": \"1\"}\n",
	    "t.jsonl:2:44: key 'tag' must be an integer", "tag string");
	err(HDR "{\"op\": \"write\", \"task\": \"a\", \"region\": \"\"}\n",
	    "t.jsonl:2:30: key 'region' must not be empty", "empty region name");
	err(HDR "{\"op\": \"exit\", \"task\": \"\"}\n",
	    "t.jsonl:2:16: empty task name for key 'task'", "empty task");
	err(HDR "{\"op\": \"fork\", \"task\": \"a\", \"child\": \"0123456789012345678901234567890123"
	    "4567890123456789012345678901234\"}\n",
	    "t.jsonl:2:29: task name \"01234567890123456789...\" too long (limit 64 bytes)",
	    "child name too long");
	err(HDR "{\"op\": \"note\", \"text\": [\"a\"]}\n", "t.jsonl:2:16: key 'text' must be a string",
	    "text array");
	err(HDR "{\"op\": \"exit\", \"task\": \"a\", \"note\": 1}\n",
	    "t.jsonl:2:29: key 'note' must be a string", "note number");
}

/* Sizes with binary unit suffixes: 16K = 16384, 0x4K = 4096, 2M, 1G. */
static void
test_unit_suffixes(void)
{
	struct trace *t = load(HDR
		"{\"op\": \"allocate\", \"task\": \"a\", \"size\": \"16K\"}\n"
		"{\"op\": \"allocate\", \"task\": \"a\", \"size\": \"0x4K\"}\n"
		"{\"op\": \"allocate\", \"task\": \"a\", \"size\": \"2M\", \"addr\": \"1G\"}\n"
		"{\"op\": \"allocate\", \"task\": \"a\", \"size\": \"3m\"}\n");

	if (!ok(t != NULL, "unit suffixes load"))
		return;
	is_int(t->ev[0].size, 16384, "16K is 16384 bytes");
	is_int(t->ev[0].flags & TEF_SIZE_PAGES, 0, "16K is bytes, not pages");
	is_int(t->ev[1].size, 4096, "0x4K is 4096");
	is_int(t->ev[2].size, 2097152, "2M is 2097152");
	is_int(t->ev[2].addr, 1073741824, "addr 1G is 1073741824");
	is_int(t->ev[3].size, 3145728, "lower-case m works too");
	trace_free(t);
}

/* Check quantities, protections, enumerations and range rules. */
static void
test_value_errors(void)
{
#define BADQ "(want 16384, \"0x4000\", \"16K\" or \"4p\")"
	static const struct { const char *val, *msg; } q[] = {
		{ "\"12q\"", "bad quantity \"12q\" for key 'size' " BADQ },
		{ "\"0xZZ\"", "bad quantity \"0xZZ\" for key 'size' " BADQ },
		{ "\"0x\"", "bad quantity \"0x\" for key 'size' " BADQ },
		{ "\"p\"", "bad quantity \"p\" for key 'size' " BADQ },
		{ "\" 12\"", "bad quantity \" 12\" for key 'size' " BADQ },
		{ "\"+1\"", "bad quantity \"+1\" for key 'size' " BADQ },
		{ "\"-1\"", "bad quantity \"-1\" for key 'size' " BADQ },
		{ "\"1.5\"", "bad quantity \"1.5\" for key 'size' " BADQ },
		{ "\"4pp\"", "bad quantity \"4pp\" for key 'size' " BADQ },
		{ "\"16KB\"", "bad quantity \"16KB\" for key 'size' " BADQ },
		{ "\"K\"", "bad quantity \"K\" for key 'size' " BADQ },
		{ "\"4Kp\"", "bad quantity \"4Kp\" for key 'size' " BADQ },
		{ "\"0x1000000000000000G\"",
		  "quantity \"0x1000000000000000G\" for key 'size' overflows 64 bits" },
		{ "\"\"", "empty quantity for key 'size'" },
		{ "-1", "negative quantity -1 for key 'size'" },
		{ "1.5", "quantity 1.5 for key 'size' is not an integer" },
		{ "\"0x10000000000000000\"",
		  "quantity \"0x10000000000000000\" for key 'size' overflows 64 bits" },
		{ "\"18446744073709551616\"",
		  "quantity \"18446744073709551616\" for key 'size' overflows 64 bits" },
		{ "18446744073709551616", "quantity 1.84467e+19 for key 'size' overflows 64 bits" },
		{ "9007199254740994",
		  "quantity 9007199254740994 for key 'size' is too large for an exact JSON number; "
		  "write it as a string" },
		{ "null", "key 'size' must be a quantity (integer or string)" },
	};
	char in[256], want[400], what[80];

	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		snprintf(in, sizeof in, HDR "{\"op\": \"allocate\", \"task\": \"a\", \"size\": %s}\n",
		         q[i].val);
		snprintf(want, sizeof want, "t.jsonl:2:33: %s", q[i].msg);
		snprintf(what, sizeof what, "quantity %s", q[i].val);
		err(in, want, what);
	}
#undef BADQ
	err(HDR "{\"op\": \"protect\", \"task\": \"a\", \"region\": \"r\", \"prot\": \"rwz\"}\n",
	    "t.jsonl:2:47: bad protection \"rwz\" for key 'prot' (want three of r, w, x or -, "
	    "like \"rw-\")", "bad prot");
	err(HDR "{\"op\": \"protect\", \"task\": \"a\", \"region\": \"r\", \"prot\": \"r\", \"max\": 7}\n",
	    "t.jsonl:2:47: bad protection \"r\" for key 'prot' (want three of r, w, x or -, "
	    "like \"rw-\")", "short prot");
	err(HDR "{\"op\": \"protect\", \"task\": \"a\", \"region\": \"r\", \"prot\": \"r--\", "
	    "\"max\": 7}\n",
	    "t.jsonl:2:62: key 'max' must be a string", "max not a string");
	err(HDR "{\"op\": \"inherit\", \"task\": \"a\", \"region\": \"r\", \"inheritance\": \"copi\"}\n",
	    "t.jsonl:2:47: bad inheritance \"copi\" (want none, copy or share)", "bad inheritance");
	err(HDR "{\"op\": \"ool_send\", \"task\": \"a\", \"to\": \"b\", \"region\": \"r\", "
	    "\"copy\": \"fast\"}\n",
	    "t.jsonl:2:59: bad copy \"fast\" (want virtual or physical)", "bad copy");
	err(HDR "{\"op\": \"write\", \"task\": \"a\", \"region\": \"r\", \"addr\": 0}\n",
	    "t.jsonl:2:45: keys 'region' and 'addr' are mutually exclusive", "region and addr");
	err(HDR "{\"op\": \"write\", \"task\": \"a\", \"size\": 1}\n",
	    "t.jsonl:2:1: op 'write' needs 'region' or 'addr'", "neither region nor addr");
	err(HDR "{\"op\": \"write\", \"task\": \"a\", \"addr\": 0, \"offset\": 1}\n",
	    "t.jsonl:2:41: key 'offset' needs 'region' (with 'addr', add it to the address)",
	    "offset with addr");
	err(HDR "{\"op\": \"deallocate\", \"task\": \"a\", \"addr\": 0}\n",
	    "t.jsonl:2:1: missing key 'size' for op 'deallocate' (needed with 'addr')",
	    "deallocate addr without size");
	err(HDR "{\"op\": \"exit\", \"task\": \"a\", \"note\": \"task\", \"x\": 1}\n",
	    "t.jsonl:2:45: unknown key 'x' for op 'exit' " EXIT_KEYS, "column of a key, not of a value");
}

/* Check observe errors. */
static void
test_observe_errors(void)
{
#define OBS HDR "{\"op\": \"observe\", \"task\": \"a\", \"regions\": "
	err(OBS "{}}\n", "t.jsonl:2:32: key 'regions' must be an array of objects", "regions object");
	err(OBS "[1]}\n", "t.jsonl:2:32: regions[0]: must be an object, not a number", "region number");
	err(OBS "[{\"start\": 0, \"end\": 1, \"nmae\": \"x\"}]}\n",
	    "t.jsonl:2:67: regions[0]: unknown key 'nmae'", "unknown region key");
	err(OBS "[{\"start\": 0, \"end\": 1}, {\"start\": 0}]}\n",
	    "t.jsonl:2:1: regions[1]: missing key 'end'", "missing end");
	err(OBS "[{\"start\": 8, \"end\": 8}]}\n",
	    "t.jsonl:2:57: regions[0]: 'start' (0x8) must be below 'end' (0x8)", "empty region");
	err(OBS "[{\"start\": \"1p\", \"end\": 8}]}\n",
	    "t.jsonl:2:45: regions[0]: page units (\"1p\") are not allowed for key 'start'",
	    "pages in an observation");
	err(OBS "[{\"start\": 0, \"end\": 1, \"share_mode\": \"ZER\"}]}\n",
	    "t.jsonl:2:67: regions[0]: bad share mode \"ZER\" for key 'share_mode' (want SM_COW... "
	    "or COW, PRV, NUL, SHM, ALI, S/A)", "bad share mode");
	err(OBS "[{\"start\": 0, \"end\": 1, \"ref_count\": -1}]}\n",
	    "t.jsonl:2:67: regions[0]: key 'ref_count' must be an integer from 0 to 4294967295 "
	    "(got -1)", "negative ref_count");
	err(OBS "[{\"start\": 0, \"end\": 1, \"max_prot\": \"rw\"}]}\n",
	    "t.jsonl:2:67: regions[0]: bad protection \"rw\" for key 'max_prot' (want three of r, "
	    "w, x or -, like \"rw-\")", "bad max_prot");
	err(HDR "{\"op\": \"observe\", \"task\": \"a\"}\n",
	    "t.jsonl:2:1: missing key 'regions' for op 'observe'", "observe without regions");
	err(OBS "[]}\n{\"op\": \"exit\", \"task\": \"a\", \"regions\": []}\n",
	    "t.jsonl:3:29: unknown key 'regions' for op 'exit' " EXIT_KEYS, "prefix does not leak");
	err(OBS "[], \"more\": true}\n{\"op\": \"exit\", \"task\": \"a\"}\n",
	    "t.jsonl:3:2: an observe continuation was expected (line 2 said \"more\": true)",
	    "more, then another op");
	err(OBS "[], \"more\": true}\n",
	    "t.jsonl:2:1: the trace ends inside an observation (\"more\": true on its last line)",
	    "more at the end");
	err(OBS "[], \"more\": true}\n{\"op\": \"observe\", \"task\": \"b\", \"regions\": []}\n",
	    "t.jsonl:3:19: an observe continuation must name the same task as line 2",
	    "continuation of another task");
	err(OBS "[], \"more\": true}\n{\"op\": \"observe\", \"task\": \"a\", \"regions\": [], "
	    "\"note\": \"n\"}\n",
	    "t.jsonl:3:47: an observe continuation cannot carry a note, mark or ask",
	    "note on a continuation");
	err(OBS "[], \"more\": 1}\n", "t.jsonl:2:47: key 'more' must be a boolean (true or false)",
	    "more not a boolean");
#undef OBS
}

/* An observation split over lines with "more" is one step. */
static void
test_observe_more(void)
{
	struct trace *t = load(HDR
		"{\"op\": \"observe\", \"task\": \"a\", \"regions\": [{\"start\": 0, \"end\": 1}], "
		"\"more\": true, \"mark\": \"m\"}\n"
		"{\"op\": \"observe\", \"task\": \"a\", \"regions\": [{\"start\": 1, \"end\": 2}, "
		"{\"start\": 2, \"end\": 3, \"ref_count\": 0}], \"more\": true}\n"
		"{\"op\": \"observe\", \"task\": \"a\", \"regions\": [{\"start\": 3, \"end\": 4}]}\n"
		"{\"op\": \"note\", \"text\": \"after\"}\n");

	if (!ok(t != NULL, "more: the trace loads"))
		return;
	is_int(t->nev, 2, "more: three observe lines are one step (plus the note)");
	is_int(t->ev[0].obs, 1, "more: the step has the observation");
	is_int(t->obs[0].nregions, 4, "more: with all four regions");
	is_int(t->obs[0].regions[3].start, 3, "more: in order");
	ok((t->ev[0].flags & TEF_MORE) == 0, "more: no flag left on the event");
	is_str(trace_event_mark(t, &t->ev[0]), "m", "more: the first line's mark is kept");
	ok(t->obs[0].regions[2].have & TOBS_REF_COUNT, "more: an observed 0 is marked observed");
	ok(!(t->obs[0].regions[1].have & TOBS_REF_COUNT), "more: an absent field is not");
	is_int(t->ev[1].line, 5, "more: the next event keeps its own line number");
	trace_free(t);
}

/* Check the limit of 65535 task names. */
static void
test_task_limit(void)
{
	size_t cap = 65536 * 40 + 100, len;
	char *buf = malloc(cap);
	struct trace *t;

	if (buf == NULL)
		return;
	len = (size_t)sprintf(buf, "{\"vmscope\": 1, \"tasks\": [\"t0\"]}\n");
	for (int i = 1; i < 65535; i++)
		len += (size_t)sprintf(buf + len, "{\"op\": \"exit\", \"task\": \"t%d\"}\n", i);
	t = load_len(buf, len);
	if (ok(t != NULL, "65535 task names load")) {
		is_int(t->ntask_names, 65535, "65535 names");
		is_str(trace_task_name(t, 65534), "t65534", "last task id 65534");
		trace_free(t);
	}
	len += (size_t)sprintf(buf + len, "{\"op\": \"exit\", \"task\": \"t65535\"}\n");
	err_len(buf, len, "t.jsonl:65536:16: too many task names (limit 65535)",
	        "65536 task names");
	free(buf);
}

/* Check loading from files and the error format without a line. */
static void
test_files(void)
{
	char path[] = "/tmp/test_trace_XXXXXX";
	struct trace_error e;
	struct trace *t = (struct trace *)&t;
	char buf[600];
	int fd = mkstemp(path);
	FILE *f;

	if (!ok(fd >= 0, "temporary file"))
		return;
	f = fdopen(fd, "w");
	fputs(HDR "{\"op\": \"exit\", \"task\": \"b\"}\n", f);
	fclose(f);
	if (ok(trace_load_file(path, &t, &e) == 0, "trace_load_file loads")) {
		is_int(t->nev, 1, "one event from the file");
		is_str(t->path, path, "path as given");
		trace_free(t);
	}
	f = fopen(path, "w");
	fputs(HDR "{\"op\": \"exit\", \"task\": \"b\"}\n{\"op\": \"exit\", \"task\": \"b\" x}\n", f);
	fclose(f);
	t = (struct trace *)&t;
	ok(trace_load_file(path, &t, &e) != 0 && t == NULL, "bad file fails, no trace");
	is_str(e.file, path, "error names the file");
	is_int(e.line, 3, "error line");
	is_int(e.col, 28, "error column");
	is_str(e.msg, "invalid JSON", "error message");
	unlink(path);
	ok(trace_load_file(path, &t, &e) != 0 && t == NULL, "missing file fails");
	trace_error_format(&e, buf, sizeof buf);
	ok(strncmp(buf, path, strlen(path)) == 0 && strstr(buf, ": cannot open: ") != NULL,
	   "missing file: FILE: cannot open: ...");
	ok(trace_load_file("/", &t, &e) != 0 && t == NULL, "a directory fails");
	is_str(e.msg, "read error: Is a directory", "directory: read error");
	e.line = 12;
	e.col = 5;
	snprintf(e.file, sizeof e.file, "x.jsonl");
	snprintf(e.msg, sizeof e.msg, "boom");
	trace_error_format(&e, buf, 10);
	is_str(buf, "x.jsonl:1", "format truncates to the buffer");
}

/* Check the memory bound on plain events. */
static void
test_memory(void)
{
	size_t n = 20000, len = 0;
	char *buf = malloc(n * 100 + 100);
	struct trace *t;

	if (buf == NULL)
		return;
	len = (size_t)sprintf(buf, HDR);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len,
		                       "{\"op\": \"write\", \"task\": \"a\", \"addr\": %zu, \"size\": 16384}\n",
		                       i * 16384);
	t = load_len(buf, len);
	if (ok(t != NULL, "20000 plain events load")) {
		is_int(t->nev, n, "all events");
		ok(trace_memory(t) <= 64 * n, "at most 64 bytes per event (%zu bytes)", trace_memory(t));
		trace_free(t);
	}
	free(buf);
}

/* Run every test and print the plan. */
int
main(void)
{
	test_header();
	test_range_ops();
	test_other_ops();
	test_annotations();
	test_observe();
	test_op_names();
	test_strtab();
	test_header_errors();
	test_syntax_errors();
	test_event_errors();
	test_unit_suffixes();
	test_value_errors();
	test_observe_errors();
	test_observe_more();
	test_task_limit();
	test_files();
	test_memory();
	return tap_done();
}
