/*
 * attach.c -- `vmscope attach`: periodic samples of live processes (attach.h).
 *
 * Each sample reads every mapping of each process with the /proc sampler
 * (trace_record.c): smaps first, then pagemap for all mappings in runs of
 * adjacent ones (skipped, with a note, when pagemap is not readable).
 * Each observed region is named by its smaps path ("[heap]", a file), or
 * left unnamed for anonymous memory.  Samples are paced on the monotonic
 * clock with absolute sleeps, so the interval does not drift by the cost
 * of a sample; SIGINT/SIGTERM end the sampling between two samples and the
 * trace keeps what was sampled.
 */
#define _GNU_SOURCE 1
#include <config.h>

#include "attach.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace_record.h"
#include "trace_write.h"
#include "vm.h"

static volatile sig_atomic_t at_signal;

/* SIGINT/SIGTERM: stop after the current sample. */
static void
at_on_signal(int sig)
{
	at_signal = sig;
}

/* Milliseconds on the monotonic clock. */
static double
at_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The command name of PID into BUF ("?" when unreadable). */
static void
proc_comm(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	snprintf(buf, len, "pid%d", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	if (buf[0] == '\0')
		snprintf(buf, len, "pid%d", pid);
	fclose(f);
}

/* Per-process state. */
struct at_proc {
	int pid;
	char name[48];
	struct pm_snap snap;
	bool pages_ok;               /* pagemap readable */
};

/* Sample (attach.h). */
int
attach_run(const struct attach_opts *o)
{
	struct at_proc p[2];
	struct pm_sampler *pm = pm_sampler_new();
	struct trace_writer *w = NULL;
	struct tw_obs_region *regs = NULL;
	struct tw_ext (*rext)[4] = NULL;
	size_t regcap = 0, nsamples = 0;
	struct sigaction sa, old_int, old_term;
	struct timespec next;
	char err[512];
	int status = 0;
	double t_start;
	bool stop = false;

	if (pm == NULL) {
		fprintf(o->msgs, "vmscope: attach: out of memory\n");
		return 1;
	}
	pm_sampler_set_letters(pm, 1024);
	memset(p, 0, sizeof p);
	for (size_t i = 0; i < o->npids; i++) {
		char path[64];

		p[i].pid = o->pids[i];
		snprintf(path, sizeof path, "/proc/%d", p[i].pid);
		if (access(path, F_OK) != 0) {
			fprintf(o->msgs, "vmscope: attach: no process %d\n", p[i].pid);
			pm_sampler_free(pm);
			return 1;
		}
		proc_comm(p[i].pid, p[i].name, sizeof p[i].name);
		p[i].pages_ok = true;
	}
	if (o->npids == 2 && strcmp(p[0].name, p[1].name) == 0) {
		for (size_t i = 0; i < 2; i++) {
			size_t l = strlen(p[i].name);

			snprintf(p[i].name + (l < 32 ? l : 32), sizeof p[i].name - (l < 32 ? l : 32), "-%d",
			         p[i].pid);
		}
	}

	at_signal = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = at_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	clock_gettime(CLOCK_MONOTONIC, &next);
	t_start = at_now();

	while (!stop && at_signal == 0 && (o->count == 0 || nsamples < o->count)) {
		double t0 = at_now();

		for (size_t i = 0; i < o->npids && !stop; i++) {
			struct at_proc *q = &p[i];
			double t_sample = at_now();
			int st = pm_read_smaps(pm, q->pid, &q->snap, err, sizeof err);
			size_t nr = 0;
			double ts;

			if (st == PM_OK && q->pages_ok) {
				int ps = pm_read_pages(pm, q->pid, &q->snap, NULL, err, sizeof err);

				if (ps == PM_DENIED) {
					fprintf(o->msgs, "vmscope: attach: %s; sampling smaps only\n", err);
					q->pages_ok = false;
				} else if (ps != PM_OK) {
					st = ps;
				}
			} else if (st == PM_OK) {
				q->snap.ms_pages = 0;
			}
			if (st == PM_GONE) {
				fprintf(o->msgs, "vmscope: attach: process %d (%s) exited after %zu sample%s; "
				        "stopping%s\n", q->pid, q->name, nsamples, nsamples == 1 ? "" : "s",
				        w != NULL ? " (the trace keeps what was sampled)" : "");
				stop = true;
				break;
			}
			if (st != PM_OK) {
				fprintf(o->msgs, "vmscope: attach: %s%s\n", err,
				        st == PM_DENIED ? " (another user's process: run as that user or as "
				                          "root)" : "");
				status = 1;
				stop = true;
				break;
			}
			ts = at_now();
			if (o->out != NULL && w == NULL) {
				const char *tasks[2] = { p[0].name, p[1].name };
				const char *notes[3];
				struct tw_header h;
				char title[200];
				size_t nn = 0;

				w = trace_writer_open(o->out, err, sizeof err);
				if (w == NULL) {
					fprintf(o->msgs, "vmscope: attach: %s\n", err);
					status = 1;
					stop = true;
					break;
				}
				trace_writer_set_line_flush(w, true);
				if (o->npids == 2)
					snprintf(title, sizeof title, "vmscope attach: %s (pid %d) and %s (pid %d)",
					         p[0].name, p[0].pid, p[1].name, p[1].pid);
				else
					snprintf(title, sizeof title, "vmscope attach: %s (pid %d)", p[0].name,
					         p[0].pid);
				notes[nn++] = "observations of live processes by vmscope attach: every mapping, "
				              "named by its smaps path; no events, so check has nothing to compare";
				notes[nn++] = pm_sampler_counts(pm)
				    ? "map counts observed (pagemap PFNs, /proc/kpagecount, /proc/kpageflags)"
				    : "not root: no PFNs or map counts; ref_count only where smaps implies it";
				if (!q->pages_ok)
					notes[nn++] = "pagemap unreadable: per-page classes and zero pages not observed";
				memset(&h, 0, sizeof h);
				h.title = title;
				h.profile = "linux";
				h.tasks = tasks;
				h.ntasks = o->npids;
				h.page_size = (uint32_t)sysconf(_SC_PAGESIZE);
				h.notes = notes;
				h.nnotes = nn;
				if (trace_writer_header(w, &h) != 0) {
					status = 1;
					stop = true;
					break;
				}
			}
			if (w != NULL) {
				struct tw_event e;
				struct tw_ext ext[3];
				char mark[32];

				if (q->snap.n > regcap) {
					regcap = q->snap.n * 2;
					regs = realloc(regs, regcap * sizeof *regs);
					rext = realloc(rext, regcap * sizeof *rext);
					if (regs == NULL || rext == NULL)
						abort();
				}
				for (size_t j = 0; j < q->snap.n; j++) {
					const struct pm_vma *v = &q->snap.v[j];

					pm_obs_region(v, (uint32_t)sysconf(_SC_PAGESIZE), &regs[nr], rext[nr]);
					regs[nr].name = v->path[0] != '\0' ? v->path : NULL;
					nr++;
				}
				memset(&e, 0, sizeof e);
				e.op = TOP_OBSERVE;
				e.task = q->name;
				e.regions = regs;
				e.nregions = nr;
				/* The writer splits long observations into "more" lines. */
				snprintf(mark, sizeof mark, "sample %zu", nsamples + 1);
				if (i == 0)
					e.mark = mark;
				ext[0] = (struct tw_ext){ .key = "x_pid", .type = TW_EXT_UINT, .u = (uint64_t)q->pid };
				ext[1] = (struct tw_ext){ .key = "x_time_ms", .type = TW_EXT_UINT,
				                          .u = (uint64_t)(t0 - t_start) };
				e.ext = ext;
				e.next = 2;
				if (trace_writer_event(w, &e) != 0) {
					status = 1;
					stop = true;
					break;
				}
			}
			printf("sample %zu: pid %d (%s): %zu mappings, %.2f ms (smaps %.2f ms + pagemap "
			       "%.2f ms, writing %.2f ms)\n", nsamples + 1, q->pid, q->name, q->snap.n,
			       at_now() - t_sample, q->snap.ms_smaps, q->snap.ms_pages, at_now() - ts);
			fflush(stdout);
		}
		if (stop)
			break;
		nsamples++;
		if (o->count != 0 && nsamples >= o->count)
			break;
		next.tv_sec += o->interval_ms / 1000;
		next.tv_nsec += (long)(o->interval_ms % 1000) * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (at_signal == 0 &&
		       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	if (at_signal != 0)
		fprintf(o->msgs, "vmscope: attach: stopped by %s after %zu sample%s\n",
		        strsignal(at_signal), nsamples, nsamples == 1 ? "" : "s");
	if (w != NULL) {
		if (nsamples == 0 && status != 0) {
			trace_writer_abort(w);
		} else if (trace_writer_close(w, err, sizeof err) != 0) {
			fprintf(o->msgs, "vmscope: attach: %s\n", err);
			status = 1;
		} else {
			fprintf(o->msgs, "vmscope: attach: wrote %zu sample%s to %s\n", nsamples,
			        nsamples == 1 ? "" : "s", o->out);
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (size_t i = 0; i < o->npids; i++)
		pm_snap_free(&p[i].snap);
	free(regs);
	free(rext);
	pm_sampler_free(pm);
	return status;
}
