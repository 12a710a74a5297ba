/* SPDX-License-Identifier: MIT */
/*
 * test_check.c -- unit tests of check.c's pairing API (check_pair_step):
 * which observed region pairs with which model region, the CHECK_D_* mask
 * of each pair, the unpaired regions on either side, the counters, the
 * field names and "model X, observed Y" texts, and that check_replay's
 * count is the sum of the per-step differences.
 *
 * Traces are written inline (xnu-arm64, 16 KiB pages); each test seeks the
 * replay to an observe step and pairs that step's observation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/check.h"
#include "replay/replay.h"
#include "tap.h"
#include "trace/trace.h"

#define HDR "{\"vmscope\": 1, \"profile\": \"xnu-arm64\", \"tasks\": [\"parent\"]}\n"

/* A loaded trace and its replay. */
struct fixture {
	struct trace *t;
	struct replay *r;
};

/* Load TEXT into F; false (with a failed test) when it does not load. */
static bool
load(struct fixture *f, const char *name, const char *text)
{
	struct trace_error te;
	char err[256];

	f->t = NULL;
	f->r = NULL;
	if (trace_load_mem(name, text, strlen(text), &f->t, &te) != 0) {
		trace_error_format(&te, err, sizeof err);
		ok(0, "%s: load (%s)", name, err);
		return false;
	}
	f->r = replay_new(f->t, &(struct replay_opts){ .profile = NULL }, err, sizeof err);
	if (f->r == NULL) {
		ok(0, "%s: replay (%s)", name, err);
		trace_free(f->t);
		return false;
	}
	return true;
}

/* Release F. */
static void
unload(struct fixture *f)
{
	replay_free(f->r);
	trace_free(f->t);
}

/* Seek to observe step K and pair its observation into CS. */
static int
pair_at(struct fixture *f, size_t k, struct check_step *cs)
{
	const struct trace_event *ev = replay_event(f->r, k);

	if (ev == NULL || ev->op != TOP_OBSERVE)
		return -2;
	replay_seek(f->r, k);
	return check_pair_step(f->r, ev->task, ev->obs ? &f->t->obs[ev->obs - 1] : NULL, cs);
}

/* The pair of observed region J (or NULL). */
static const struct check_pair *
pair_of_obs(const struct check_step *cs, long j)
{
	for (size_t i = 0; i < cs->npairs; i++)
		if (cs->pairs[i].obs == j)
			return &cs->pairs[i];
	return NULL;
}

/* Every field that can differ, and regions unpaired on both sides. */
static void
test_diffs(void)
{
	static const char text[] = HDR
	    "{\"op\": \"allocate\", \"task\": \"parent\", \"size\": \"2p\", \"as\": \"buf\"}\n"
	    "{\"op\": \"write\", \"task\": \"parent\", \"region\": \"buf\", \"size\": \"1p\"}\n"
	    "{\"op\": \"allocate\", \"task\": \"parent\", \"addr\": \"0x100010000\", \"size\": \"1p\","
	    " \"as\": \"tmp\"}\n"
	    "{\"op\": \"fork\", \"task\": \"parent\", \"child\": \"child\"}\n"
	    /* step 5: buf differs in everything; extra is observed only; tmp is not observed */
	    "{\"op\": \"observe\", \"task\": \"parent\", \"regions\": ["
	    "{\"start\": \"0x100000000\", \"end\": \"0x100004000\", \"name\": \"buf\", \"prot\": \"r--\","
	    " \"max_prot\": \"r--\", \"share_mode\": \"PRV\", \"ref_count\": 1, \"pages_resident\": 2},"
	    " {\"start\": \"0x200000000\", \"end\": \"0x200004000\", \"name\": \"extra\"}]}\n"
	    /* step 6: everything agrees; fields not observed are not compared */
	    "{\"op\": \"observe\", \"task\": \"parent\", \"regions\": ["
	    "{\"start\": \"0x100000000\", \"end\": \"0x100008000\", \"name\": \"buf\", \"share_mode\": \"COW\","
	    " \"ref_count\": 2},"
	    " {\"start\": \"0x100010000\", \"end\": \"0x100014000\"}]}\n"
	    /* step 7: an empty observation of a task the model has */
	    "{\"op\": \"observe\", \"task\": \"child\", \"regions\": []}\n"
	    /* step 8: a task the model does not have */
	    "{\"op\": \"observe\", \"task\": \"ghost\", \"regions\": [{\"start\": \"0x1000\", \"end\": \"0x2000\"}]}\n";
	struct fixture f;
	struct check_step cs;
	const struct check_pair *p;
	char buf[160];

	if (!load(&f, "diffs.jsonl", text))
		return;
	memset(&cs, 0, sizeof cs);
	is_int(pair_at(&f, 5, &cs), 0, "diffs: step 5 pairs");
	is_int(cs.nmodel, 2, "diffs: the model has 2 regions (buf, tmp)");
	is_int(cs.npairs, 3, "diffs: 3 pairs (buf, extra, tmp)");
	p = pair_of_obs(&cs, 0);
	ok(p != NULL && p->model == 0, "diffs: observed buf pairs with model region 0");
	is_int(p != NULL ? p->diff : 0, CHECK_D_RANGE | CHECK_D_PROT | CHECK_D_MAX_PROT |
	       CHECK_D_SHARE_MODE | CHECK_D_REF_COUNT | CHECK_D_RESIDENT,
	       "diffs: buf differs in every field");
	p = pair_of_obs(&cs, 1);
	ok(p != NULL && p->model == -1 && p->diff == 0, "diffs: extra is observed only");
	ok(cs.pairs[2].obs == -1 && cs.pairs[2].model == 1, "diffs: tmp (model 1) comes last, unobserved");
	is_int(cs.obs_of_model[0], 0, "diffs: obs_of_model maps buf back");
	is_int(cs.obs_of_model[1], -1, "diffs: tmp has no observed region");
	ok(cs.paired == 1 && cs.agree == 0 && cs.obs_only == 1 && cs.model_only == 1,
	   "diffs: counters (paired 1, agree 0, obs_only 1, model_only 1)");
	is_int(check_step_ndiffs(&cs), 8, "diffs: 6 fields + 2 unpaired = 8 differences");
	ok(cs.model_name[0] != NULL && strcmp(cs.model_name[0], "buf") == 0,
	   "diffs: model labels come from \"as\"");
	p = pair_of_obs(&cs, 0);
	check_field_values(&cs, p, CHECK_D_REF_COUNT, buf, sizeof buf);
	is_str(buf, "model 2, observed 1", "diffs: ref_count values");
	check_field_values(&cs, p, CHECK_D_PROT, buf, sizeof buf);
	is_str(buf, "model rw-, observed r--", "diffs: prot values");
	check_field_values(&cs, p, CHECK_D_MAX_PROT, buf, sizeof buf);
	is_str(buf, "model rwx, observed r--", "diffs: max_prot values");
	check_field_values(&cs, p, CHECK_D_SHARE_MODE, buf, sizeof buf);
	is_str(buf, "model SM_COW, observed SM_PRIVATE", "diffs: share mode values");
	check_field_values(&cs, p, CHECK_D_RESIDENT, buf, sizeof buf);
	is_str(buf, "model 1, observed 2 (16384-byte pages)", "diffs: resident values");
	check_field_values(&cs, p, CHECK_D_RANGE, buf, sizeof buf);
	is_str(buf, "model [0x100000000-0x100008000], observed [0x100000000-0x100004000]",
	       "diffs: boundary values");
	check_field_values(&cs, &cs.pairs[2], CHECK_D_REF_COUNT, buf, sizeof buf);
	is_str(buf, "", "diffs: an unpaired region has no values");
	is_str(check_field_name(CHECK_D_REF_COUNT), "ref_count", "diffs: field name ref_count");
	is_str(check_field_name(CHECK_D_RESIDENT), "resident pages", "diffs: field name resident");
	is_str(check_field_name(CHECK_D_RANGE), "boundaries", "diffs: field name boundaries");

	/* The same struct again: arrays reused, nothing left over. */
	is_int(pair_at(&f, 6, &cs), 0, "agree: step 6 pairs (struct reused)");
	ok(cs.npairs == 2 && cs.paired == 2 && cs.agree == 2 && cs.obs_only == 0 &&
	   cs.model_only == 0, "agree: both regions paired and agree");
	is_int(check_step_ndiffs(&cs), 0, "agree: no differences");
	ok(cs.pairs[1].model == 1, "agree: an unnamed observed region pairs by start (tmp)");

	is_int(pair_at(&f, 7, &cs), 0, "empty: step 7 pairs");
	ok(cs.task >= 0 && cs.npairs == 2 && cs.model_only == 2 && cs.paired == 0,
	   "empty: an empty observation leaves both model regions unobserved");
	is_int(pair_at(&f, 8, &cs), 0, "ghost: step 8 pairs");
	ok(cs.task == -1 && cs.nmodel == 0 && cs.obs_only == 1 && cs.npairs == 1,
	   "ghost: a task the model does not have: its region is observed only");
	replay_seek(f.r, 5);
	is_int(check_pair_step(f.r, f.t->ev[4].task, NULL, &cs), 0, "null: NULL observation pairs");
	ok(cs.npairs == 2 && cs.model_only == 2, "null: NULL is an empty observation");
	ok(replay_pos(f.r) == 5, "check_pair_step does not move the replay");
	is_int(check_replay(f.r, NULL, NULL), 8 + 0 + 2 + 1,
	       "check_replay counts the sum of the steps' differences");
	check_step_free(&cs);
	ok(cs.model == NULL && cs.pairs == NULL && cs.npairs == 0, "check_step_free zeroes");
	unload(&f);
}

/* The three passes: a region clipped in three pairs piece by piece;
 * names that differ never pair; SHM accepts a true-shared model region. */
static void
test_passes(void)
{
	static const char text[] = HDR
	    "{\"op\": \"allocate\", \"task\": \"parent\", \"size\": \"4p\", \"as\": \"big\"}\n"
	    "{\"op\": \"write\", \"task\": \"parent\", \"region\": \"big\"}\n"
	    "{\"op\": \"protect\", \"task\": \"parent\", \"region\": \"big\", \"offset\": \"1p\","
	    " \"size\": \"1p\", \"prot\": \"r--\"}\n"
	    /* step 4: listed out of order; the middle piece first */
	    "{\"op\": \"observe\", \"task\": \"parent\", \"regions\": ["
	    "{\"start\": \"0x100004000\", \"end\": \"0x100008000\", \"name\": \"big\", \"prot\": \"r--\"},"
	    " {\"start\": \"0x100000000\", \"end\": \"0x100004000\", \"name\": \"big\", \"prot\": \"rw-\"},"
	    " {\"start\": \"0x100008000\", \"end\": \"0x100010000\", \"name\": \"big\", \"prot\": \"rw-\"}]}\n"
	    /* step 5: same start, another name: not a pair */
	    "{\"op\": \"observe\", \"task\": \"parent\", \"regions\": ["
	    "{\"start\": \"0x100000000\", \"end\": \"0x100004000\", \"name\": \"other\"}]}\n"
	    /* step 6: an unnamed region starting inside a model region pairs with it */
	    "{\"op\": \"observe\", \"task\": \"parent\", \"regions\": ["
	    "{\"start\": \"0x100002000\", \"end\": \"0x100004000\"}]}\n";
	struct fixture f;
	struct check_step cs;

	if (!load(&f, "passes.jsonl", text))
		return;
	memset(&cs, 0, sizeof cs);
	is_int(pair_at(&f, 4, &cs), 0, "passes: step 4 pairs");
	ok(cs.nmodel == 3 && cs.paired == 3 && cs.agree == 3, "passes: three pieces, three agreeing pairs");
	ok(cs.pairs[0].model == 1 && cs.pairs[1].model == 0 && cs.pairs[2].model == 2,
	   "passes: each piece pairs with its own model entry, whatever the order");
	is_int(pair_at(&f, 5, &cs), 0, "passes: step 5 pairs");
	ok(cs.obs_only == 1 && cs.model_only == 3, "passes: a differently named region does not pair");
	is_int(pair_at(&f, 6, &cs), 0, "passes: step 6 pairs");
	ok(cs.pairs[0].model == 0 && cs.pairs[0].diff == CHECK_D_RANGE,
	   "passes: a region starting inside pairs, boundaries differ");
	check_step_free(&cs);
	unload(&f);

	{
		static const char shm[] = HDR
		    "{\"op\": \"allocate\", \"task\": \"parent\", \"size\": \"1p\", \"as\": \"m\"}\n"
		    "{\"op\": \"make_memory_entry\", \"task\": \"parent\", \"region\": \"m\", \"as\": \"e\"}\n"
		    "{\"op\": \"map_entry\", \"task\": \"parent\", \"entry\": \"e\", \"as\": \"m2\"}\n"
		    "{\"op\": \"write\", \"task\": \"parent\", \"region\": \"m\"}\n"
		    "{\"op\": \"observe\", \"task\": \"parent\", \"regions\": ["
		    "{\"start\": \"0x100000000\", \"end\": \"0x100004000\", \"name\": \"m\", \"share_mode\": \"SHM\"}]}\n";
		const struct vm_region_info *m;

		if (!load(&f, "shm.jsonl", shm))
			return;
		memset(&cs, 0, sizeof cs);
		is_int(pair_at(&f, 5, &cs), 0, "shm: pairs");
		m = cs.paired == 1 ? &cs.model[cs.pairs[0].model] : NULL;
		ok(m != NULL && m->share_mode == SM_TRUESHARED, "shm: the model reports SM_TRUESHARED");
		is_int(cs.paired == 1 ? cs.pairs[0].diff : 99, 0,
		       "shm: observed SHM (SM_SHARED) accepts the model's SM_TRUESHARED");
		ok(cs.model_only == 1, "shm: the second mapping (m2) is not observed");
		check_step_free(&cs);
		unload(&f);
	}
	{
		/* "partial": only regions overlapping an observed one are compared;
		 * the same observation without it counts the other as unobserved. */
		static const char part[] = HDR
		    "{\"op\": \"allocate\", \"task\": \"parent\", \"addr\": \"0x100000000\", \"size\": \"1p\", \"as\": \"seen\"}\n"
		    "{\"op\": \"allocate\", \"task\": \"parent\", \"addr\": \"0x100010000\", \"size\": \"1p\", \"as\": \"elsewhere\"}\n"
		    "{\"op\": \"observe\", \"task\": \"parent\", \"partial\": true, \"regions\": ["
		    "{\"start\": \"0x100000000\", \"end\": \"0x100004000\", \"name\": \"seen\"}]}\n"
		    "{\"op\": \"observe\", \"task\": \"parent\", \"regions\": ["
		    "{\"start\": \"0x100000000\", \"end\": \"0x100004000\", \"name\": \"seen\"}]}\n";

		if (!load(&f, "partial.jsonl", part))
			return;
		memset(&cs, 0, sizeof cs);
		is_int(pair_at(&f, 3, &cs), 0, "partial: pairs");
		ok(cs.paired == 1 && cs.model_only == 0 && cs.npairs == 1,
		   "partial: the region not looked at is not a difference");
		is_int(pair_at(&f, 4, &cs), 0, "partial: the whole observation pairs");
		ok(cs.paired == 1 && cs.model_only == 1, "whole: the other region is in the model only");
		check_step_free(&cs);
		unload(&f);
	}
}

/* Transparent huge pages always on (the trace's "machine"): more resident
 * pages than modelled in a region holding a whole aligned 2 MiB range are
 * explained, not a difference; with THP on madvise they are one. */
static void
test_thp(void)
{
	static const char *const modes[] = { "always", "madvise" };

	for (int i = 0; i < 2; i++) {
		char text[1024];
		struct fixture f;
		struct check_step cs;

		snprintf(text, sizeof text,
		         "{\"vmscope\": 1, \"profile\": \"linux\", \"tasks\": [\"p\"], \"machine\": "
		         "{\"page_size\": 4096, \"thp\": \"%s\"}}\n"
		         "{\"op\": \"allocate\", \"task\": \"p\", \"addr\": \"0x200000000\", \"size\": \"4M\", \"as\": \"big\"}\n"
		         "{\"op\": \"write\", \"task\": \"p\", \"region\": \"big\", \"size\": \"1p\"}\n"
		         "{\"op\": \"observe\", \"task\": \"p\", \"regions\": [{\"start\": \"0x200000000\", "
		         "\"end\": \"0x200400000\", \"name\": \"big\", \"pages_resident\": 512}]}\n", modes[i]);
		if (!load(&f, "thp.jsonl", text))
			return;
		memset(&cs, 0, sizeof cs);
		is_int(pair_at(&f, 3, &cs), 0, "thp: pairs");
		if (i == 0)
			ok(cs.npairs == 1 && cs.pairs[0].diff == 0 && cs.pairs[0].explained == CHECK_D_RESIDENT,
			   "thp always: 512 resident pages for 1 written are explained, not a difference");
		else
			ok(cs.npairs == 1 && cs.pairs[0].diff == CHECK_D_RESIDENT && cs.pairs[0].explained == 0,
			   "thp madvise: the same observation is a difference");
		check_step_free(&cs);
		unload(&f);
	}
}

/* KSM running (the trace's "machine") and a mergeable mapping (VmFlags
 * "mg"): pages observed shared copy-on-write with a larger map count than
 * modelled are explained; without "mg", or with KSM off, they are a
 * difference; so is a COW page without a larger map count. */
static void
test_ksm(void)
{
	static const unsigned both = CHECK_D_SHARE_MODE | CHECK_D_REF_COUNT;
	static const struct { int ksm; const char *flags; int ref; bool explained; unsigned diff;
	                      const char *what; }
	cases[] = {
		{ 1, "rd wr mr mw me ac mg ", 3, true, both, "ksm on, mergeable: explained" },
		{ 1, "rd wr mr mw me ac ", 3, false, both, "ksm on, not mergeable: a difference" },
		{ 0, "rd wr mr mw me ac mg ", 3, false, both, "ksm off: a difference" },
		{ 1, "rd wr mg mr mw me ac ", 3, true, both, "mg anywhere among the flags" },
		{ 1, "rd wr mr mw me ac amg ", 3, false, both, "only the flag mg, not a longer one" },
		{ 1, "rd wr mr mw me ac mg ", 1, false, CHECK_D_SHARE_MODE,
		  "COW without a larger map count: not KSM's doing, a difference" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[1024];
		struct fixture f;
		struct check_step cs;

		snprintf(text, sizeof text,
		         "{\"vmscope\": 1, \"profile\": \"linux\", \"tasks\": [\"p\"], \"machine\": "
		         "{\"page_size\": 4096, \"ksm\": %d}}\n"
		         "{\"op\": \"allocate\", \"task\": \"p\", \"addr\": \"0x200000000\", \"size\": \"2p\", \"as\": \"buf\"}\n"
		         "{\"op\": \"write\", \"task\": \"p\", \"region\": \"buf\"}\n"
		         "{\"op\": \"observe\", \"task\": \"p\", \"regions\": [{\"start\": \"0x200000000\", "
		         "\"end\": \"0x200002000\", \"name\": \"buf\", \"share_mode\": \"SM_COW\", "
		         "\"ref_count\": %d, \"pages_resident\": 2, \"x_vmflags\": \"%s\"}]}\n",
		         cases[i].ksm, cases[i].ref, cases[i].flags);
		if (!load(&f, "ksm.jsonl", text))
			return;
		memset(&cs, 0, sizeof cs);
		is_int(pair_at(&f, 3, &cs), 0, "ksm: pairs");
		if (cases[i].explained)
			ok(cs.npairs == 1 && cs.pairs[0].diff == 0 && cs.pairs[0].explained == cases[i].diff,
			   "%s", cases[i].what);
		else
			ok(cs.npairs == 1 && cs.pairs[0].diff == cases[i].diff && cs.pairs[0].explained == 0,
			   "%s", cases[i].what);
		check_step_free(&cs);
		unload(&f);
	}
}

int
main(void)
{
	test_diffs();
	test_passes();
	test_thp();
	test_ksm();
	return tap_done();
}
