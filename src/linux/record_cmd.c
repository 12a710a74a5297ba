/* SPDX-License-Identifier: MIT */
/*
 * record_cmd.c -- trace an unmodified program under ptrace (record_cmd.h).
 *
 * One loop waits for every traced thread; each stop is a system call's
 * entry or exit (PTRACE_GET_SYSCALL_INFO says which, on every
 * architecture), a ptrace event (fork, vfork, clone, exec, exit) or a
 * signal, which is passed on.  Threads are grouped into processes by
 * their Tgid; a process is a trace task.
 */
#define _GNU_SOURCE 1
#include <config.h>

#include "record_cmd.h"

#ifdef __linux__

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "footprint.h"
#include "probe.h"
#include "sample.h"
#include "trace/text.h"
#include "trace/trace_write.h"
#include "vm/vm.h"

#define MAX_PROCS 256
#define MAX_THREADS 1024

struct rc;

struct proc {
	pid_t pid;                   /* the Tgid; 0: a free slot */
	char name[64];               /* the trace task */
	bool exited;                 /* its exit event is written */
	int nthreads;
	uint64_t brk;                /* the break, 0 unknown */
	unsigned anon_seq;
	struct { char name[48]; unsigned n; } *names;   /* file names given, and how often */
	size_t nnames;
	int pagemap_fd, mem_fd;      /* open while the process lives, -1: not yet */
	struct footprint fp;         /* its own anonymous memory */
	struct rc *rc;               /* (for the write callback) */
};

struct thr {
	pid_t tid;                   /* 0: a free slot */
	int proc;                    /* index in procs, -1: not known yet */
	bool started;                /* its first stop (SIGSTOP) was taken */
	bool held;                   /* stopped, waiting for its fork event */
	bool exiting;                /* PTRACE_EVENT_EXIT seen */
	bool want_exit;              /* stop at the exit of the filtered call it is in */
	uint64_t nr, a[6];           /* the call in progress */
};

struct rc {
	const struct record_cmd_opts *o;
	struct trace_writer *w;
	bool header;
	struct pm_sampler *pm;
	struct pm_snap snap;
	uint32_t ps;
	struct fp_scanner scan;      /* how writes are told */
	bool seccomp;                /* the filter stops the VM calls only */
	struct proc procs[MAX_PROCS];
	struct thr thr[MAX_THREADS];
	pid_t root;
	int root_status;             /* exit status, -1 not yet */
	unsigned nmade;              /* processes made, the root included */
	size_t nevents;
	int failed;                  /* a write error */
	struct tw_obs_region *regs;
	struct tw_ext (*rext)[4];
	size_t regcap;
	bool *sel;
	size_t selcap;
};

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t wake_pid;   /* a live traced process, 0: none */

/* SIGINT, SIGTERM, SIGHUP: say so, and make sure the loop's waitpid
 * returns even when the signal came just before it blocked: a stop of a
 * traced process is something to wait for (kill() is async-signal-safe). */
static void
on_signal(int sig)
{
	got_signal = sig;
	if (wake_pid > 0)
		kill((pid_t)wake_pid, SIGSTOP);
}

/* Keep wake_pid on a process that lives (P just went). */
static void
wake_update(const struct rc *rc, pid_t gone)
{
	if (wake_pid != gone)
		return;
	wake_pid = 0;
	for (int i = 0; i < MAX_PROCS; i++)
		if (rc->procs[i].pid != 0 && rc->procs[i].pid != gone) {
			wake_pid = rc->procs[i].pid;
			return;
		}
}

/* ---- small helpers --------------------------------------------------------- */

static void __attribute__((format(printf, 2, 3)))
msg(struct rc *rc, const char *fmt, ...)
{
	va_list ap;

	fputs("vmscope record: ", rc->o->msgs);
	va_start(ap, fmt);
	vfprintf(rc->o->msgs, fmt, ap);
	va_end(ap);
	fputc('\n', rc->o->msgs);
}

static uint64_t
page_up(const struct rc *rc, uint64_t v)
{
	return (v + rc->ps - 1) / rc->ps * rc->ps;
}

/* The Tgid of thread TID, or -1. */
static pid_t
tgid_of(pid_t tid)
{
	char path[64], line[256];
	FILE *f;
	pid_t t = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Tgid: %d", &t) == 1)
			break;
	fclose(f);
	return t;
}

/* The file name (no directory) of PATH, sanitized, into BUF. */
static void
base_name(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');

	text_sanitize(buf, len, b != NULL && b[1] != '\0' ? b + 1 : path, false);
}

/* ---- events ----------------------------------------------------------------- */

static void
emit(struct rc *rc, struct tw_event *e)
{
	if (rc->failed || !rc->header)
		return;
	if (trace_writer_event(rc->w, e) != 0)
		rc->failed = 1;
	rc->nevents++;
	if (rc->o->verbose)
		fprintf(rc->o->msgs, "vmscope record: %s %s 0x%llx +0x%llx\n", e->task ? e->task : "",
		        e->op == TOP_ALLOCATE ? "allocate" : e->op == TOP_DEALLOCATE ? "deallocate"
		        : e->op == TOP_WRITE ? "write" : e->op == TOP_FORK ? "fork"
		        : e->op == TOP_EXIT ? "exit" : e->op == TOP_OBSERVE ? "observe" : "event",
		        (unsigned long long)e->addr, (unsigned long long)e->size);
}

/* An event OP on P's range [A, A + LEN). */
static void
emit_range(struct rc *rc, const struct proc *p, int op, uint64_t a, uint64_t len)
{
	struct tw_event e = { .op = op, .task = p->name, .addr = a, .size = len,
	                      .flags = TEF_ADDR | TEF_SIZE };

	emit(rc, &e);
}

/* Map [A, A + LEN) named NAME with PROT: an allocate, or, with FILE, a
 * map_file of FILE from OFF (private unless SHARED). */
static void
emit_map(struct rc *rc, const struct proc *p, uint64_t a, uint64_t len, const char *name,
         int prot, const char *why, const char *file, uint64_t off, bool shared)
{
	struct tw_ext ext = { .key = "x_syscall", .type = TW_EXT_STR, .s = why };
	struct tw_event e = { .op = TOP_ALLOCATE, .task = p->name, .addr = a, .size = len,
	                      .flags = TEF_ADDR | TEF_SIZE, .as = name, .ext = &ext, .next = 1 };

	if (file != NULL) {
		e.op = TOP_MAP_FILE;
		e.name = file;
		e.offset = off;
		e.flags |= TEF_OFFSET | (shared ? 0 : TEF_PRIVATE);
	}
	emit(rc, &e);
	if (prot != (VM_PROT_READ | VM_PROT_WRITE)) {
		struct tw_event pe = { .op = TOP_PROTECT, .task = p->name, .addr = a, .size = len,
		                       .flags = TEF_ADDR | TEF_SIZE, .prot = (uint8_t)prot };

		emit(rc, &pe);
	}
}

static void
emit_alloc(struct rc *rc, const struct proc *p, uint64_t a, uint64_t len, const char *name,
           int prot, const char *why)
{
	emit_map(rc, p, a, len, name, prot, why, NULL, 0, false);
}

static void
emit_task(struct rc *rc, int op, const struct proc *p, const char *child)
{
	struct tw_event e = { .op = op, .task = p->name, .task2 = child };

	emit(rc, &e);
}

static void
emit_note(struct rc *rc, const char *text)
{
	struct tw_event e = { .op = TOP_NOTE, .name = text };

	emit(rc, &e);
}

/* mmap's PROT_* as VM_PROT_* (the same bits on Linux). */
static int
vm_prot(uint64_t prot)
{
	return (int)(prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

/* ---- the footprint ---------------------------------------------------------- */

/* Close P's /proc files (they see the map they were opened on: reopen
 * after an exec). */
static void
proc_close(struct proc *p)
{
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
	if (p->mem_fd >= 0)
		close(p->mem_fd);
	p->pagemap_fd = p->mem_fd = -1;
}

/* A run of P's pages written since the last look: a write event. */
static void
write_run(void *ctx, uint64_t addr, uint64_t len)
{
	struct proc *p = ctx;

	emit_range(p->rc, p, TOP_WRITE, addr, len);
}

/* Write events for the pages of P's footprint written since the last
 * look, a run of pages at a time. */
static void
scan_writes(struct rc *rc, struct proc *p)
{
	char path[64];

	if (p->pid == 0 || p->exited)
		return;
	if (p->pagemap_fd < 0) {
		snprintf(path, sizeof path, "/proc/%d/pagemap", (int)p->pid);
		p->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof path, "/proc/%d/mem", (int)p->pid);
		p->mem_fd = rc->scan.softdirty ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	}
	if (p->pagemap_fd < 0)
		return;
	p->rc = rc;
	fp_scan(&rc->scan, &p->fp, p->pagemap_fd, p->mem_fd, write_run, p);
	if (rc->scan.softdirty)
		fp_clear_refs(p->pid);
}

/* Writes of every live process, before an event changes a map. */
static void
scan_all(struct rc *rc)
{
	for (int i = 0; i < MAX_PROCS; i++)
		scan_writes(rc, &rc->procs[i]);
}

/* ---- observations ----------------------------------------------------------- */

static int
regs_reserve(struct rc *rc, size_t n)
{
	if (n <= rc->regcap)
		return 0;
	free(rc->regs);
	free(rc->rext);
	rc->regcap = n * 2;
	rc->regs = calloc(rc->regcap, sizeof *rc->regs);
	rc->rext = calloc(rc->regcap, sizeof *rc->rext);
	free(rc->sel);
	rc->sel = calloc(rc->regcap, sizeof *rc->sel);
	return rc->regs == NULL || rc->rext == NULL || rc->sel == NULL ? -1 : 0;
}

/* An observe event of P's footprint (smaps + pagemap), read through its
 * thread TID: once the thread-group leader has exited, /proc/PID shows
 * no map while the other threads still have one. */
static void
observe(struct rc *rc, struct proc *p, pid_t tid)
{
	struct tw_ext ext = { .key = "x_pid", .type = TW_EXT_UINT, .u = (uint64_t)p->pid };
	struct tw_event e = { .op = TOP_OBSERVE, .task = p->name, .ext = &ext, .next = 1,
	                      .flags = TEF_PARTIAL };   /* the footprint only */
	char err[256];
	size_t nr = 0;

	if (pm_read_smaps(rc->pm, (int)tid, &rc->snap, err, sizeof err) != PM_OK ||
	    regs_reserve(rc, rc->snap.n + 1) != 0)
		return;
	for (size_t i = 0; i < rc->snap.n; i++)
		rc->sel[i] = fp_overlaps(&p->fp, rc->snap.v[i].start, rc->snap.v[i].end);
	if (pm_read_pages(rc->pm, (int)tid, &rc->snap, rc->sel, err, sizeof err) != PM_OK)
		return;
	for (size_t i = 0; i < rc->snap.n; i++) {
		const struct fp_region *r = fp_find(&p->fp, rc->snap.v[i].start);

		if (!rc->sel[i])
			continue;
		pm_obs_region(&rc->snap.v[i], rc->ps, &rc->regs[nr], rc->rext[nr]);
		rc->regs[nr].name = r != NULL ? r->name : NULL;
		nr++;
	}
	e.regions = rc->regs;
	e.nregions = nr;
	emit(rc, &e);
}

/* ---- processes and threads ---------------------------------------------------- */

static struct proc *
proc_of(struct rc *rc, const struct thr *t)
{
	return t->proc >= 0 ? &rc->procs[t->proc] : NULL;
}

static struct thr *
thr_find(struct rc *rc, pid_t tid)
{
	for (int i = 0; i < MAX_THREADS; i++)
		if (rc->thr[i].tid == tid)
			return &rc->thr[i];
	return NULL;
}

static struct thr *
thr_add(struct rc *rc, pid_t tid, int proc)
{
	for (int i = 0; i < MAX_THREADS; i++)
		if (rc->thr[i].tid == 0) {
			memset(&rc->thr[i], 0, sizeof rc->thr[i]);
			rc->thr[i].tid = tid;
			rc->thr[i].proc = proc;
			if (proc >= 0)
				rc->procs[proc].nthreads++;
			return &rc->thr[i];
		}
	return NULL;
}

/* A new process (Tgid PID) named after the root: "prog", then "prog-2"... */
static int
proc_add(struct rc *rc, pid_t pid, const char *root_name)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (rc->procs[i].pid == 0) {
			struct proc *p = &rc->procs[i];

			memset(p, 0, sizeof *p);
			p->pid = pid;
			p->pagemap_fd = p->mem_fd = -1;
			if (++rc->nmade == 1)
				snprintf(p->name, sizeof p->name, "%s", root_name);
			else
				snprintf(p->name, sizeof p->name, "%.50s-%u", root_name, rc->nmade);
			return i;
		}
	return -1;
}

/* Resume thread T (with signal SIG): to its next system call's stop, or,
 * with the seccomp filter, to the next event, filtered call or signal
 * (and to the exit of a filtered call it is in). */
static void
resume(struct rc *rc, struct thr *t, int sig)
{
	ptrace(rc->seccomp && !t->want_exit ? PTRACE_CONT : PTRACE_SYSCALL, t->tid, NULL,
	       (void *)(intptr_t)sig);
}

/* The process P exits: its writes, its last observation (through its
 * live thread TID; 0: none left), the event. */
static void
proc_exit(struct rc *rc, struct proc *p, pid_t tid)
{
	if (p->exited)
		return;
	if (tid > 0) {
		scan_all(rc);
		observe(rc, p, tid);
	}
	emit_task(rc, TOP_EXIT, p, NULL);
	p->exited = true;
}

/* How many threads of process IDX have reported PTRACE_EVENT_EXIT. */
static int
exiting_threads(const struct rc *rc, int idx)
{
	int n = 0;

	for (int i = 0; i < MAX_THREADS; i++)
		n += rc->thr[i].tid != 0 && rc->thr[i].proc == idx && rc->thr[i].exiting;
	return n;
}

/* A thread of process IDX still there, or 0. */
static pid_t
live_thread(const struct rc *rc, int idx)
{
	for (int i = 0; i < MAX_THREADS; i++)
		if (rc->thr[i].tid != 0 && rc->thr[i].proc == idx)
			return rc->thr[i].tid;
	return 0;
}

/* Thread T is gone (STATUS from waitpid). */
static void
thr_gone(struct rc *rc, struct thr *t, int status)
{
	struct proc *p = proc_of(rc, t);

	if (t->tid == rc->root)
		rc->root_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	t->tid = 0;
	if (p == NULL)
		return;
	--p->nthreads;
	if (p->nthreads > 0 && exiting_threads(rc, t->proc) >= p->nthreads)
		proc_exit(rc, p, live_thread(rc, t->proc));   /* the rest are exiting */
	if (p->nthreads <= 0) {
		proc_exit(rc, p, 0);
		fp_free(&p->fp);
		proc_close(p);
		free(p->names);
		p->names = NULL;
		wake_update(rc, p->pid);
		p->pid = 0;
	}
}

/* A region name for a mapping of PATH in P: the file name, then "NAME
 * #2", "NAME #3"... (a name stands for one region in a trace). */
static void
unique_name(struct proc *p, const char *path, char *buf, size_t len)
{
	char base[48];
	size_t i;

	base_name(path, base, sizeof base);
	for (i = 0; i < p->nnames && strcmp(p->names[i].name, base) != 0; i++)
		;
	if (i == p->nnames) {
		void *nn = realloc(p->names, (p->nnames + 1) * sizeof *p->names);

		if (nn == NULL) {
			snprintf(buf, len, "%s", base);
			return;
		}
		p->names = nn;
		snprintf(p->names[i].name, sizeof p->names[i].name, "%s", base);
		p->names[i].n = 0;
		p->nnames++;
	}
	if (++p->names[i].n == 1)
		snprintf(buf, len, "%s", base);
	else
		snprintf(buf, len, "%s #%u", base, p->names[i].n);
}

/* ---- the mappings a process starts with ------------------------------------------- */

/* Allocate every mapping of P's new image (from /proc/PID/maps); the heap
 * joins the footprint. */
static void
seed(struct rc *rc, struct proc *p)
{
	char path[64], line[4096];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)p->pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned long long s, e, off = 0;
		char perms[8], name[256] = "", file[PATH_MAX] = "";
		int prot;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]", &s, &e, perms, &off, file) < 3)
			continue;
		if (strcmp(file, "[vsyscall]") == 0 || e <= s)
			continue;
		prot = (perms[0] == 'r' ? VM_PROT_READ : 0) | (perms[1] == 'w' ? VM_PROT_WRITE : 0) |
		       (perms[2] == 'x' ? VM_PROT_EXECUTE : 0);
		if (file[0] == '\0')
			snprintf(name, sizeof name, "anon%u", ++p->anon_seq);
		else
			unique_name(p, file, name, sizeof name);
		if (file[0] == '/')
			emit_map(rc, p, s, e - s, name, prot, "exec", file, off, perms[3] == 's');
		else
			emit_alloc(rc, p, s, e - s, name, prot, "exec");
		if (strcmp(file, "[heap]") == 0) {
			fp_add(&p->fp, rc->ps, s, e, "[heap]", NULL, 0);
			p->brk = e;
		}
	}
	fclose(f);
	if (rc->scan.softdirty)
		fp_clear_refs(p->pid);
}

/* ---- system calls ------------------------------------------------------------------ */

/* mmap returned A for thread T's call. */
static void
on_mmap(struct rc *rc, struct proc *p, const struct thr *t, uint64_t a)
{
	uint64_t len = page_up(rc, t->a[1]), flags = t->a[3];
	int fd = (int)t->a[4];
	bool anon = (flags & MAP_ANONYMOUS) || fd < 0;
	char name[256], link[PATH_MAX], path[64];
	ssize_t n;

	if (flags & MAP_FIXED)
		emit_range(rc, p, TOP_DEALLOCATE, a, len);   /* MAP_FIXED replaces */
	fp_remove(&p->fp, rc->ps, a, a + len);
	if (anon) {
		snprintf(name, sizeof name, "anon%u", ++p->anon_seq);
		emit_alloc(rc, p, a, len, name, vm_prot(t->a[2]), "mmap");
	} else {
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)p->pid, fd);
		n = readlink(path, link, sizeof link - 1);
		if (n <= 0)
			snprintf(link, sizeof link, "fd%d", fd);
		else
			link[n] = '\0';
		unique_name(p, link, name, sizeof name);
		emit_map(rc, p, a, len, name, vm_prot(t->a[2]), "mmap", link, t->a[5],
		         (flags & MAP_SHARED) != 0);
	}
	if (anon && (flags & MAP_SHARED)) {
		struct tw_event e = { .op = TOP_INHERIT, .task = p->name, .addr = a, .size = len,
		                      .flags = TEF_ADDR | TEF_SIZE, .inheritance = VM_INHERIT_SHARE };

		emit(rc, &e);
	}
	if (anon)
		fp_add(&p->fp, rc->ps, a, a + len, name, NULL, 0);
}

/* brk returned NEW (the break). */
static void
on_brk(struct rc *rc, struct proc *p, uint64_t nb)
{
	uint64_t old = page_up(rc, p->brk), now = page_up(rc, nb);

	if (p->brk == 0 || old == now) {
		p->brk = nb;
		return;
	}
	if (now > old) {
		emit_alloc(rc, p, old, now - old, "[heap]", VM_PROT_READ | VM_PROT_WRITE, "brk");
		fp_add(&p->fp, rc->ps, old, now, "[heap]", NULL, 0);
	} else {
		emit_range(rc, p, TOP_DEALLOCATE, now, old - now);
		fp_remove(&p->fp, rc->ps, now, old);
	}
	p->brk = nb;
}

/* madvise(A, LEN, ADVICE) succeeded. */
static void
on_madvise(struct rc *rc, struct proc *p, uint64_t a, uint64_t len, int advice)
{
	struct tw_event e = { .op = TOP_INHERIT, .task = p->name, .addr = a, .size = page_up(rc, len),
	                      .flags = TEF_ADDR | TEF_SIZE };

	if (advice == MADV_DONTFORK || advice == MADV_DOFORK) {
		e.inheritance = advice == MADV_DONTFORK ? VM_INHERIT_NONE : VM_INHERIT_COPY;
		emit(rc, &e);
	}
#ifdef MADV_WIPEONFORK
	if (advice == MADV_WIPEONFORK)
		emit_note(rc, "madvise(MADV_WIPEONFORK): the child gets zero-filled pages; "
		              "the model has no such inheritance");
#endif
	if (advice == MADV_DONTNEED) {
		const struct fp_region *r = fp_find(&p->fp, a);
		char name[48];

		snprintf(name, sizeof name, "%s", r != NULL ? r->name : "dontneed");
		emit_range(rc, p, TOP_DEALLOCATE, a, page_up(rc, len));
		emit_alloc(rc, p, a, page_up(rc, len), name, VM_PROT_READ | VM_PROT_WRITE,
		           "madvise(MADV_DONTNEED), as deallocate + allocate");
		fp_remove(&p->fp, rc->ps, a, a + page_up(rc, len));
		if (r != NULL)
			fp_add(&p->fp, rc->ps, a, a + page_up(rc, len), name, NULL, 0);
	}
}

/* The exit of thread T's system call, which returned RET. */
static void
on_syscall_exit(struct rc *rc, struct thr *t, int64_t ret)
{
	struct proc *p = proc_of(rc, t);
	uint64_t *a = t->a;

	if (p == NULL || (ret < 0 && ret > -4096))
		return;
	switch ((long)t->nr) {
	case SYS_mmap:
		scan_all(rc);
		on_mmap(rc, p, t, (uint64_t)ret);
		break;
	case SYS_munmap:
		scan_all(rc);
		emit_range(rc, p, TOP_DEALLOCATE, a[0], page_up(rc, a[1]));
		fp_remove(&p->fp, rc->ps, a[0], a[0] + page_up(rc, a[1]));
		break;
	case SYS_mprotect: {
		struct tw_event e = { .op = TOP_PROTECT, .task = p->name, .addr = a[0],
		                      .size = page_up(rc, a[1]), .flags = TEF_ADDR | TEF_SIZE,
		                      .prot = (uint8_t)vm_prot(a[2]) };

		scan_all(rc);
		emit(rc, &e);
		break;
	}
	case SYS_mremap:
		scan_all(rc);
		emit_note(rc, "mremap: recorded as deallocate of the old range and allocate of the new");
		emit_range(rc, p, TOP_DEALLOCATE, a[0], page_up(rc, a[1]));
		fp_remove(&p->fp, rc->ps, a[0], a[0] + page_up(rc, a[1]));
		emit_alloc(rc, p, (uint64_t)ret, page_up(rc, a[2]), "mremap", VM_PROT_READ | VM_PROT_WRITE,
		           "mremap");
		fp_add(&p->fp, rc->ps, (uint64_t)ret, (uint64_t)ret + page_up(rc, a[2]), "mremap", NULL, 0);
		break;
	case SYS_brk:
		scan_all(rc);
		on_brk(rc, p, (uint64_t)ret);
		break;
	case SYS_madvise:
		scan_all(rc);
		on_madvise(rc, p, a[0], a[1], (int)a[2]);
		break;
	}
}

/* A system-call stop of T. */
static void
on_syscall(struct rc *rc, struct thr *t)
{
	struct __ptrace_syscall_info si;

	memset(&si, 0, sizeof si);   /* (tools that do not know this request see it set) */
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, (void *)sizeof si, &si) <= 0)
		return;
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY) {
		t->nr = si.entry.nr;
		memcpy(t->a, si.entry.args, sizeof t->a);
	} else if (si.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		t->nr = si.seccomp.nr;
		memcpy(t->a, si.seccomp.args, sizeof t->a);
		t->want_exit = true;
	} else if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
		on_syscall_exit(rc, t, si.exit.rval);
		t->nr = (uint64_t)-1;
		t->want_exit = false;
	}
}

/* ---- ptrace events ------------------------------------------------------------------ */

/* Thread T's process gave birth to CHILD (a thread or a process). */
static void
on_clone(struct rc *rc, struct thr *t, pid_t child)
{
	struct proc *p = proc_of(rc, t);
	struct thr *c = thr_find(rc, child);
	int idx = t->proc;

	if (p == NULL)
		return;
	if (tgid_of(child) != p->pid) {   /* a process: fork, vfork, or clone without CLONE_THREAD */
		struct proc *np;

		scan_all(rc);   /* the parent's writes before the fork, before the child copies it */
		if ((idx = proc_add(rc, child, rc->procs[0].name)) < 0) {
			msg(rc, "more than %d processes: process %d is not recorded", MAX_PROCS, (int)child);
			if (c != NULL && c->held)
				resume(rc, c, 0);
			return;
		}
		np = &rc->procs[idx];
		p = proc_of(rc, t);
		np->brk = p->brk;
		np->anon_seq = p->anon_seq;
		if (p->nnames > 0 && (np->names = malloc(p->nnames * sizeof *p->names)) != NULL) {
			memcpy(np->names, p->names, p->nnames * sizeof *p->names);   /* its names too */
			np->nnames = p->nnames;
		}
		for (size_t i = 0; i < p->fp.n; i++)   /* the child's pages: as the parent's */
			fp_add(&np->fp, rc->ps, p->fp.r[i].start, p->fp.r[i].end, p->fp.r[i].name,
			       p->fp.r[i].hash, p->fp.r[i].start);
		emit_task(rc, TOP_FORK, p, np->name);
		if (rc->scan.softdirty)
			fp_clear_refs(child);
		observe(rc, p, t->tid);
		observe(rc, np, child);
	}
	if (c == NULL) {
		thr_add(rc, child, idx);
		return;
	}
	if (c->proc < 0) {   /* its first stop came before this event */
		c->proc = idx;
		rc->procs[idx].nthreads++;
	}
	if (c->held) {
		c->held = false;
		resume(rc, c, 0);
	}
}

/* The first stop of a thread the loop did not know: its fork event is
 * still to come, unless its process is known (then it is a thread). */
static struct thr *
on_unknown(struct rc *rc, pid_t tid)
{
	pid_t tg = tgid_of(tid);
	int idx = -1;
	struct thr *t;

	for (int i = 0; i < MAX_PROCS && tg != tid; i++)
		if (rc->procs[i].pid == tg && tg > 0)
			idx = i;
	if ((t = thr_add(rc, tid, idx)) == NULL)
		return NULL;
	t->held = idx < 0;
	return t;
}

/* What the trace's notes say of how writes were told (fp_scan). */
static const char *
writes_note(const struct fp_scanner *s)
{
	if (s->softdirty)
		return "writes: pages of the program's anonymous memory found soft-dirty (pagemap bit "
		       "55, cleared with clear_refs 4) at each event, as write events before it";
	if (s->zero_pfn != 0)
		return "writes: this kernel keeps no soft-dirty bits, so a write is a present page of "
		       "the program's anonymous memory whose frame changed since the previous event "
		       "and is not the zero page (a read maps the zero page here)";
	return "writes: this kernel keeps no soft-dirty bits, so a write is a present page of the "
	       "program's anonymous memory whose content (hashed; a page of zeros counts as read) "
	       "changed since the previous event, or whose frame did (as root); a write of the "
	       "same value to a page already present is missed";
}

/* The title and notes of the trace; the header. */
static int
write_header(struct rc *rc, const struct proc *root)
{
	char title[512] = "", kernel[160];
	const char *tasks[1] = { root->name };
	const char *notes[3];
	struct trace_machine machine;
	struct tw_header h;
	struct tw_ext ext[2];
	size_t pos = 0;

	for (char *const *a = rc->o->argv; *a != NULL && pos + 2 < sizeof title; a++)
		pos += (size_t)snprintf(title + pos, sizeof title - pos, "%s%s", pos ? " " : "", *a);
	lx_probe(&machine);
	snprintf(kernel, sizeof kernel, "Linux %s", machine.kernel);
	notes[0] = "recorded by vmscope record from an unmodified program under ptrace: every "
	           "mmap, munmap, mprotect, mremap, brk, madvise, fork, exec and exit of its "
	           "processes is an event; the mappings a process starts with are allocates at "
	           "its start and after each exec; an observe event after each fork and before "
	           "each exit shows the program's own anonymous memory (smaps + pagemap)";
	notes[1] = writes_note(&rc->scan);
	notes[2] = "threads are not tasks: a thread's calls are its process's";
	memset(&h, 0, sizeof h);
	h.title = title;
	h.profile = "linux";
	h.tasks = tasks;
	h.ntasks = 1;
	h.page_size = rc->ps;
	h.machine = &machine;
	h.notes = notes;
	h.nnotes = 3;
	ext[0] = (struct tw_ext){ .key = "x_recorder", .type = TW_EXT_STR, .s = "vmscope " PACKAGE_VERSION };
	ext[1] = (struct tw_ext){ .key = "x_kernel", .type = TW_EXT_STR, .s = kernel };
	h.ext = ext;
	h.next = 2;
	if (trace_writer_header(rc->w, &h) != 0)
		return -1;
	rc->header = true;
	return 0;
}

/* Thread T (now TID) exec'ed: its process has a new map. */
static void
on_exec(struct rc *rc, struct thr *t, pid_t tid)
{
	struct proc *p = proc_of(rc, t);

	if (p == NULL)
		return;
	for (int i = 0; i < MAX_THREADS; i++)   /* the other threads are gone */
		if (rc->thr[i].tid != 0 && &rc->thr[i] != t && rc->thr[i].proc == t->proc)
			rc->thr[i].tid = 0;
	t->tid = tid;
	p->nthreads = 1;
	if (!rc->header) {
		if (write_header(rc, p) != 0)
			rc->failed = 1;
	} else {
		char link[PATH_MAX], path[64], note[PATH_MAX + 32];
		struct tw_event e = { .op = TOP_EXEC, .task = p->name, .note = note };
		ssize_t n;

		scan_all(rc);
		snprintf(path, sizeof path, "/proc/%d/exe", (int)tid);
		n = readlink(path, link, sizeof link - 1);
		link[n > 0 ? n : 0] = '\0';
		text_sanitize(link, sizeof link, link, false);
		snprintf(note, sizeof note, "%s runs %s", p->name, n > 0 ? link : "another program");
		emit(rc, &e);
	}
	fp_free(&p->fp);
	proc_close(p);
	free(p->names);
	p->names = NULL;
	p->nnames = 0;
	p->brk = 0;
	p->anon_seq = 0;
	seed(rc, p);
}

/* Thread T is about to exit; its process exits with its last thread. */
static void
on_exit_event(struct rc *rc, struct thr *t)
{
	struct proc *p = proc_of(rc, t);

	t->exiting = true;
	if (p != NULL && exiting_threads(rc, t->proc) >= p->nthreads)
		proc_exit(rc, p, t->tid);
}

/* A ptrace event stop of T; returns the thread to resume (an exec moves
 * the thread that called it to the leader's id). */
static struct thr *
on_event(struct rc *rc, struct thr *t, int ev)
{
	unsigned long m = 0;

	ptrace(PTRACE_GETEVENTMSG, t->tid, NULL, &m);
	switch (ev) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_clone(rc, t, (pid_t)m);
		break;
	case PTRACE_EVENT_EXEC: {
		struct thr *old = thr_find(rc, (pid_t)m);
		pid_t tid = t->tid;

		on_exec(rc, old != NULL ? old : t, tid);
		return old != NULL ? old : t;
	}
	case PTRACE_EVENT_EXIT:
		on_exit_event(rc, t);
		break;
	case PTRACE_EVENT_SECCOMP:
		on_syscall(rc, t);   /* a VM call's entry: stop at its exit too */
		break;
	}
	return t;
}

/* ---- the loop ------------------------------------------------------------------------ */

/* One stop or death of TID (waitpid STATUS). */
static void
on_wait(struct rc *rc, pid_t tid, int st)
{
	struct thr *t = thr_find(rc, tid);
	int sig;
	siginfo_t si;

	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		if (t != NULL)
			thr_gone(rc, t, st);
		else if (tid == rc->root)
			rc->root_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	if (t == NULL && (t = on_unknown(rc, tid)) == NULL) {
		ptrace(PTRACE_DETACH, tid, NULL, NULL);
		return;
	}
	sig = WSTOPSIG(st);
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall(rc, t);
		resume(rc, t, 0);
	} else if (sig == SIGTRAP && (st >> 16) != 0) {
		resume(rc, on_event(rc, t, st >> 16), 0);
	} else if (sig == SIGSTOP && !t->started) {
		t->started = true;   /* a new thread's first stop */
		if (!t->held)
			resume(rc, t, 0);
	} else if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) < 0) {
		resume(rc, t, 0);        /* a group-stop */
	} else {
		resume(rc, t, sig);      /* the program's own signal */
	}
}

/* Kill every process the recorder started, and reap them. */
static void
kill_all(struct rc *rc)
{
	int st;
	pid_t tid;

	for (int i = 0; i < MAX_PROCS; i++)
		if (rc->procs[i].pid != 0)
			kill(rc->procs[i].pid, SIGKILL);
	for (int i = 0; i < MAX_THREADS; i++)
		if (rc->thr[i].tid != 0)
			kill(rc->thr[i].tid, SIGKILL);
	while ((tid = waitpid(-1, &st, __WALL)) > 0 || (tid < 0 && errno == EINTR))
		if (tid > 0)
			on_wait(rc, tid, st);
}

/* Wait for every traced thread until none is left or a signal came. */
static void
loop(struct rc *rc)
{
	for (;;) {
		int st;
		pid_t tid = waitpid(-1, &st, __WALL);

		if (got_signal)
			return;
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			return;   /* ECHILD: everyone is gone */
		}
		on_wait(rc, tid, st);
	}
}

/* ---- starting the program ------------------------------------------------------------ */

/* Why PTRACE_TRACEME failed with E, and what to change, into BUF. */
static void
ptrace_denied(int e, char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
	int scope = -1;

	if (f != NULL) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fclose(f);
	}
	if (scope == 3)
		snprintf(buf, len, "ptrace is not permitted: kernel.yama.ptrace_scope is 3 (no process "
		         "may be traced until reboot); boot with it at 1 or less to record programs");
	else
		snprintf(buf, len, "ptrace is not permitted (%s): in a container, add CAP_SYS_PTRACE "
		         "and allow ptrace in its seccomp profile (docker run --cap-add SYS_PTRACE "
		         "--security-opt seccomp=unconfined); kernel.yama.ptrace_scope is %d",
		         strerror(e), scope);
}

/* Our tracer's pid (TracerPid in /proc/self/status), 0 when none. */
static int
tracer_pid(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");
	int pid = 0;

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "TracerPid: %d", &pid) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return pid;
}

/*
 * The seccomp filter: stop (SECCOMP_RET_TRACE) at the calls that change a
 * map -- mmap, munmap, mprotect, mremap, brk, madvise -- and let every
 * other call run without a stop; fork, clone, exec and exit come as
 * ptrace events anyway.  Calls of another ABI (x32, another
 * architecture) all stop.  Needs no_new_privs (a set-user-ID program then
 * runs without its privileges).  Returns 0, or -1: no filter, every call
 * stops.
 */
static int
filter(void)
{
#if defined(__x86_64__)
	const uint32_t arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	const uint32_t arch = AUDIT_ARCH_AARCH64;
#else
	const uint32_t arch = 0;
#endif
	static const long nrs[] = { SYS_mmap, SYS_munmap, SYS_mprotect, SYS_mremap, SYS_brk,
	                            SYS_madvise };
	enum { K = sizeof nrs / sizeof nrs[0] };
	struct sock_filter f[4 + K + 2];
	struct sock_fprog prog = { .len = (unsigned short)(sizeof f / sizeof f[0]), .filter = f };
	int i = 0;

	if (arch == 0)
		return -1;
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (int k = 0; k < K; k++)   /* to the TRACE after the ALLOW */
		f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[k],
		                                      (uint8_t)(K - k), 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0 ? 0 : -1;
}

/* The child: be traced, stop, run the program.  Failures go to FD as
 * "P errno" (ptrace) or "E errno" (exec). */
static void __attribute__((noreturn))
child(char *const *argv, int fd)
{
	char m[32];
	int n;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) {
		int tracer = tracer_pid();

		n = tracer > 0 ? snprintf(m, sizeof m, "T %d", tracer) : snprintf(m, sizeof m, "P %d", errno);
		if (write(fd, m, (size_t)n) != n)
			_exit(126);
		_exit(126);
	}
	if (filter() != 0 && write(fd, "S", 1) != 1)
		_exit(126);
	raise(SIGSTOP);
	execvp(argv[0], argv);
	n = snprintf(m, sizeof m, "E %d", errno);
	if (write(fd, m, (size_t)n) != n)
		_exit(127);
	_exit(errno == ENOENT ? 127 : 126);
}

/* Start the program stopped under ptrace.  Returns its pid, or -1 (said). */
static pid_t
start(struct rc *rc, int *fdp)
{
	int pfd[2], st;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		msg(rc, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		msg(rc, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child(rc->o->argv, pfd[1]);
	close(pfd[1]);
	*fdp = pfd[0];
	while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
		;
	if (WIFSTOPPED(st) && ptrace(PTRACE_SETOPTIONS, pid, NULL,
	                             (void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
	                                      PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
	                                      PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
	                                      PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) == 0) {
		char m[8];

		/* The child said "S" if it could not install the filter. */
		rc->seccomp = !(fcntl(pfd[0], F_SETFL, O_NONBLOCK) == 0 && read(pfd[0], m, 1) == 1 &&
		                m[0] == 'S');
		fcntl(pfd[0], F_SETFL, 0);
		return pid;
	}
	if (!WIFSTOPPED(st)) {
		char m[32] = "", why[400];
		ssize_t n = read(pfd[0], m, sizeof m - 1);
		int e = 0;

		m[n > 0 ? n : 0] = '\0';
		sscanf(m + (n > 2 ? 2 : 0), "%d", &e);
		if (m[0] == 'T')
			snprintf(why, sizeof why, "the program is traced already, by process %d (a "
			         "debugger or strace running vmscope?): a process has one tracer; run "
			         "vmscope record on its own", e);
		else
			ptrace_denied(e ? e : EPERM, why, sizeof why);
		msg(rc, "%s", why);
	} else {
		msg(rc, "PTRACE_SETOPTIONS: %s", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, &st, __WALL);
	}
	close(pfd[0]);
	return -1;
}

/* ---- the command ------------------------------------------------------------------------ */

static void
rc_free(struct rc *rc)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		fp_free(&rc->procs[i].fp);
		free(rc->procs[i].names);
		if (rc->procs[i].pid != 0)
			proc_close(&rc->procs[i]);
	}
	pm_snap_free(&rc->snap);
	pm_sampler_free(rc->pm);
	free(rc->regs);
	free(rc->rext);
	free(rc->sel);
	fp_scanner_free(&rc->scan);
}

/* The program did not start: say why from the child's report on FD. */
static int
not_started(struct rc *rc, int fd)
{
	char m[32] = "", name[256];
	ssize_t n = read(fd, m, sizeof m - 1);
	int e = 0;

	m[n > 0 ? n : 0] = '\0';
	sscanf(m + (n > 2 ? 2 : 0), "%d", &e);
	text_sanitize(name, sizeof name, rc->o->argv[0], false);
	if (m[0] == 'E')
		msg(rc, "cannot run '%s': %s", name, strerror(e));
	else
		msg(rc, "'%s' exited before it started", name);
	return rc->root_status >= 0 ? rc->root_status : 127;
}

/* Set the recorder's signal handlers (SA: no restart, so waitpid returns). */
static void
handlers(struct sigaction *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
}

static void
restore(struct sigaction *old)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
}

/* Run and record; the exit status. */
static int
run(struct rc *rc)
{
	struct sigaction old[3];
	char name[64];
	int fd, idx, status;
	struct thr *t;

	if ((rc->root = start(rc, &fd)) < 0)
		return -1;
	base_name(rc->o->argv[0], name, sizeof name);
	idx = proc_add(rc, rc->root, name[0] != '\0' ? name : "program");
	t = thr_add(rc, rc->root, idx);
	t->started = true;
	got_signal = 0;
	wake_pid = rc->root;
	handlers(old);
	resume(rc, t, 0);
	loop(rc);
	if (got_signal) {
		char note[160];

		kill_all(rc);
		snprintf(note, sizeof note, "recording interrupted by signal %d: the program's "
		         "processes were killed", (int)got_signal);
		emit_note(rc, note);
	}
	restore(old);
	wake_pid = 0;
	if (!rc->header) {
		status = not_started(rc, fd);
		close(fd);
		return -status - 2;   /* nothing recorded */
	}
	close(fd);
	return got_signal ? 128 + got_signal : rc->root_status >= 0 ? rc->root_status : 0;
}

int
record_command(const struct record_cmd_opts *o)
{
	struct rc *rc = calloc(1, sizeof *rc);
	char err[512];
	int status;

	if (rc == NULL)
		return -1;
	rc->o = o;
	rc->root_status = -1;
	rc->ps = (uint32_t)sysconf(_SC_PAGESIZE);
	if (fp_scanner_init(&rc->scan, rc->ps) != 0) {
		rc_free(rc);
		free(rc);
		return -1;
	}
	rc->pm = pm_sampler_new();
	if (rc->pm == NULL) {
		rc_free(rc);
		free(rc);
		return -1;
	}
	if ((rc->w = trace_writer_open(o->out, err, sizeof err)) == NULL) {
		msg(rc, "%s", err);
		rc_free(rc);
		free(rc);
		return -1;
	}
	status = run(rc);
	if (status < -1) {                      /* the program never started */
		trace_writer_abort(rc->w);
		status = -status - 2;
	} else if (status == -1) {
		trace_writer_abort(rc->w);
	} else if (trace_writer_close(rc->w, err, sizeof err) != 0 || rc->failed) {
		msg(rc, "%s", rc->failed ? "cannot write the trace" : err);
		status = status != 0 ? status : 1;
	} else if (o->verbose) {
		msg(rc, "%zu events", rc->nevents);
	}
	rc_free(rc);
	free(rc);
	return status;
}

#else /* not Linux */

int
record_command(const struct record_cmd_opts *o)
{
	fprintf(o->msgs, "vmscope record: recording a program needs Linux (ptrace and /proc)\n");
	return -1;
}

#endif
