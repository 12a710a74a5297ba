/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE 1
/*
 * bench_scale.c -- end-to-end benchmarks of whole vmscope processes on
 * realistic inputs it generates itself (`make bench`; not a test: it
 * prints numbers and a pass/fail per target, and never fails the build).
 *
 * Each target runs `vmscope ...` as a child process (fork + exec), and
 * measures its wall time and peak RSS (wait4's ru_maxrss); the figure is
 * the median of ROUNDS runs, and every ratio compares two commands timed
 * in the same run, interleaved.  Single-threaded commands run on one CPU
 * (the first the bench may use): the CPUs of a shared or virtual machine
 * need not be alike (one of this machine's two reads smaps 1.7x slower
 * than the other), and two commands compared on different ones measure
 * the CPUs.  attach and its anchor run where the kernel puts them: attach
 * reads on two threads.  The inputs:
 *
 *   names-100, names-10000   300,000 events (write, read, protect pairs)
 *                            over 100 or 10,000 named regions;
 *   forkloop-50k, -200k      a server's fork loop: fork, the child writes
 *                            a page and exits, the parent writes; repeated;
 *   big-4g, big-64g, big-1t  allocate a region, write all of it, fork, the
 *                            child writes one page (dumped, and drawn
 *                            with the detail's page grid: big-screen);
 *   events-10k, events-1m    mixed events, for the first screen
 *                            (render --step 5);
 *   a live process with 20,000 mappings, for attach against a raw read of
 *   its smaps, and import + dump of a capture against `pmap -X`.
 *
 * Usage: bench_scale VMSCOPE [TARGET...]  (default: every target).
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define ROUNDS 5
#define ROUNDS_MAX 15

static const char *vmscope;
static char dir[] = "/tmp/vmscope-bench.XXXXXX";

/* ---- generators ----------------------------------------------------------- */

/* Open DIR/NAME for writing; exit on failure. */
static FILE *
out_file(const char *name, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return f;
}

/* NEV events of writes, reads and protects over NNAMES named regions. */
static void
gen_names(const char *name, unsigned nnames, unsigned nev, char *path, size_t len)
{
	FILE *f = out_file(name, path, len);
	unsigned s = 12345;

	fprintf(f, "{\"vmscope\": 1, \"profile\": \"xnu-x86_64\", \"tasks\": [\"p\"]}\n");
	for (unsigned i = 0; i < nnames; i++)
		fprintf(f, "{\"op\": \"allocate\", \"task\": \"p\", \"addr\": \"0x%llx\", "
		        "\"size\": \"4p\", \"as\": \"region-%u\"}\n",
		        0x100000000ull + (unsigned long long)i * 0x10000, i);
	for (unsigned i = 0; i < nev; i++) {
		unsigned r;

		s = s * 1103515245u + 12345u;
		r = (s >> 8) % nnames;
		switch (i % 4) {
		case 0:
		case 1:
			fprintf(f, "{\"op\": \"write\", \"task\": \"p\", \"region\": \"region-%u\", "
			        "\"offset\": \"%up\", \"size\": \"1p\"}\n", r, (s >> 4) % 4);
			break;
		case 2:
			fprintf(f, "{\"op\": \"read\", \"task\": \"p\", \"region\": \"region-%u\"}\n", r);
			break;
		default:
			fprintf(f, "{\"op\": \"protect\", \"task\": \"p\", \"region\": \"region-%u\", "
			        "\"prot\": \"%s\"}\n", r, (s >> 12) % 2 ? "r--" : "rw-");
		}
	}
	fclose(f);
}

/* A fork loop of about NEV events. */
static void
gen_forkloop(const char *name, unsigned nev, char *path, size_t len)
{
	FILE *f = out_file(name, path, len);

	fprintf(f, "{\"vmscope\": 1, \"profile\": \"xnu-x86_64\", \"tasks\": [\"server\"]}\n");
	fprintf(f, "{\"op\": \"allocate\", \"task\": \"server\", \"size\": \"64p\", \"as\": \"db\"}\n");
	fprintf(f, "{\"op\": \"write\", \"task\": \"server\", \"region\": \"db\"}\n");
	for (unsigned i = 0; 4 * i < nev; i++) {
		fprintf(f, "{\"op\": \"fork\", \"task\": \"server\", \"child\": \"worker-%u\"}\n", i);
		fprintf(f, "{\"op\": \"write\", \"task\": \"worker-%u\", \"region\": \"db\", "
		        "\"offset\": \"%up\", \"size\": \"1p\"}\n", i, i % 64);
		fprintf(f, "{\"op\": \"exit\", \"task\": \"worker-%u\"}\n", i);
		fprintf(f, "{\"op\": \"write\", \"task\": \"server\", \"region\": \"db\", "
		        "\"offset\": \"%up\", \"size\": \"1p\"}\n", (i * 7) % 64);
	}
	fclose(f);
}

/* Allocate SIZE, write it all, fork, the child writes one page. */
static void
gen_big(const char *name, const char *size, char *path, size_t len)
{
	FILE *f = out_file(name, path, len);

	fprintf(f, "{\"vmscope\": 1, \"profile\": \"xnu-x86_64\", \"tasks\": [\"p\"]}\n");
	fprintf(f, "{\"op\": \"allocate\", \"task\": \"p\", \"size\": \"%s\", \"as\": \"big\"}\n", size);
	fprintf(f, "{\"op\": \"write\", \"task\": \"p\", \"region\": \"big\"}\n");
	fprintf(f, "{\"op\": \"fork\", \"task\": \"p\", \"child\": \"c\"}\n");
	fprintf(f, "{\"op\": \"write\", \"task\": \"c\", \"region\": \"big\", \"offset\": \"7p\", "
	        "\"size\": \"1p\"}\n");
	fclose(f);
}

/* NEV mixed events over 64 regions with an occasional fork. */
static void
gen_events(const char *name, unsigned nev, char *path, size_t len)
{
	FILE *f = out_file(name, path, len);

	fprintf(f, "{\"vmscope\": 1, \"profile\": \"xnu-x86_64\", \"tasks\": [\"p\", \"q\"]}\n");
	for (unsigned i = 0; i < 64; i++)
		fprintf(f, "{\"op\": \"allocate\", \"task\": \"p\", \"size\": \"4p\", \"as\": \"r%u\"}\n", i);
	for (unsigned i = 0; i < nev; i++)
		fprintf(f, "{\"op\": \"%s\", \"task\": \"p\", \"region\": \"r%u\", \"offset\": \"%up\", "
		        "\"size\": \"1p\"}\n", i % 3 ? "write" : "read", (i * 13) % 64, i % 4);
	fclose(f);
}

/* ---- running -------------------------------------------------------------- */

struct run {
	double sec;           /* wall time */
	long rss_kb;          /* peak RSS */
	int status;
};

static const char *run_out = "/dev/null";   /* where a child's stdout goes */
static int pin_cpu = -1;      /* the CPU a child runs on, -1: any */

/* Run vmscope with ARGS (NULL-terminated), its output to RUN_OUT. */
static struct run
run_cmd(char *const args[])
{
	struct run r = { 0, 0, -1 };
	struct rusage ru;
	double t0;
	pid_t pid;

	fflush(stdout);         /* nothing buffered may be written twice */
	t0 = bench_seconds(CLOCK_MONOTONIC);
	pid = fork();

	if (pid == 0) {
		if (pin_cpu >= 0) {
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(pin_cpu, &one);
			(void)sched_setaffinity(0, sizeof one, &one);
		}
		if (freopen(run_out, "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execv(args[0][0] == '/' ? args[0] : vmscope, args);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &r.status, 0, &ru) < 0)
		return r;
	r.sec = bench_seconds(CLOCK_MONOTONIC) - t0;
	r.rss_kb = ru.ru_maxrss;
	return r;
}

/* Is COMMAND on the PATH? */
static bool
command_exists(const char *command)
{
	char sh[300];

	snprintf(sh, sizeof sh, "command -v '%s' >/dev/null 2>&1", command);
	return system(sh) == 0;
}

/* A file removed before each run of the second command of measure2n, so
 * that it writes a new file (NULL: none). */
static const char *fresh_out;

/* Medians of N (at most ROUNDS_MAX) runs of two commands, interleaved. */
static void
measure2n(char *const a[], char *const b[], struct run *ma, struct run *mb, int n)
{
	double ta[ROUNDS_MAX], tb[ROUNDS_MAX], ra[ROUNDS_MAX], rb[ROUNDS_MAX];

	for (int i = 0; i < n; i++) {
		struct run x = run_cmd(a), y;

		if (fresh_out != NULL)
			unlink(fresh_out);
		y = b != NULL ? run_cmd(b) : x;

		ta[i] = x.sec;
		ra[i] = (double)x.rss_kb;
		tb[i] = y.sec;
		rb[i] = (double)y.rss_kb;
		ma->status |= x.status;
		mb->status |= y.status;
	}
	ma->sec = bench_median(ta, (size_t)n);
	ma->rss_kb = (long)bench_median(ra, (size_t)n);
	mb->sec = bench_median(tb, (size_t)n);
	mb->rss_kb = (long)bench_median(rb, (size_t)n);
}

/* Medians of ROUNDS runs of two commands, interleaved. */
static void
measure2(char *const a[], char *const b[], struct run *ma, struct run *mb)
{
	measure2n(a, b, ma, mb, ROUNDS);
}

static int npass, nfail;

/* Print one target line. */
static void
verdict(const char *what, bool pass, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
verdict(const char *what, bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("  %-4s %-44s ", pass ? "PASS" : "FAIL", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pass ? npass++ : nfail++;
}

/* ---- targets --------------------------------------------------------------- */

static void
target_names(void)
{
	char p100[256], p10k[256];
	struct run a = { 0 }, b = { 0 };

	gen_names("names-100.jsonl", 100, 300000, p100, sizeof p100);
	gen_names("names-10000.jsonl", 10000, 300000, p10k, sizeof p10k);
	{
		char *ca[] = { "vmscope", "validate", p100, NULL };
		char *cb[] = { "vmscope", "validate", p10k, NULL };

		measure2(ca, cb, &a, &b);
	}
	printf("1. 300,000 events over 100 vs 10,000 named regions (validate: load + replay)\n");
	printf("     100 names %.3f s %ld MB; 10,000 names %.3f s %ld MB%s\n", a.sec, a.rss_kb / 1024,
	       b.sec, b.rss_kb / 1024, (a.status | b.status) ? "  (a command failed)" : "");
	verdict("time ratio 10,000 / 100 names <= 1.5", b.sec / a.sec <= 1.5, "%.2fx", b.sec / a.sec);
	verdict("peak RSS of the 10,000-name replay <= 100 MB", b.rss_kb <= 100 * 1024, "%ld MB",
	        b.rss_kb / 1024);
}

static void
target_forkloop(void)
{
	char p50[256], p200[256];
	struct run a = { 0 }, b = { 0 };

	gen_forkloop("forkloop-50k.jsonl", 50000, p50, sizeof p50);
	gen_forkloop("forkloop-200k.jsonl", 200000, p200, sizeof p200);
	{
		char *ca[] = { "vmscope", "validate", p50, NULL };
		char *cb[] = { "vmscope", "validate", p200, NULL };

		measure2(ca, cb, &a, &b);
	}
	printf("6. a server's fork loop, 50k vs 200k events (validate)\n");
	printf("     50k %.3f s %ld MB; 200k %.3f s %ld MB%s\n", a.sec, a.rss_kb / 1024, b.sec,
	       b.rss_kb / 1024, (a.status | b.status) ? "  (a command failed)" : "");
	verdict("200k / 50k time <= 4.5 (linear)", b.sec / a.sec <= 4.5, "%.2fx", b.sec / a.sec);
	verdict("peak RSS at 200k <= 100 MB", b.rss_kb <= 100 * 1024, "%ld MB", b.rss_kb / 1024);
}

/* Did `vmscope validate PATH` report no failed step? */
static bool
no_failed_step(const char *path)
{
	char out[300], line[512] = "";
	char *args[] = { "vmscope", "validate", (char *)path, NULL };
	FILE *f;

	snprintf(out, sizeof out, "%s/validate.out", dir);
	run_out = out;
	run_cmd(args);
	run_out = "/dev/null";
	if ((f = fopen(out, "r")) != NULL) {
		if (fgets(line, sizeof line, f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, " 0 failed steps") != NULL;
}

static void
target_big(void)
{
	char p4[256], p64[256], p1t[256], psmall[256];
	struct run s = { 0 }, g4 = { 0 }, g64 = { 0 }, t1 = { 0 };

	gen_big("big-16k.jsonl", "16p", psmall, sizeof psmall);
	gen_big("big-4g.jsonl", "0x100000000", p4, sizeof p4);
	gen_big("big-64g.jsonl", "0x1000000000", p64, sizeof p64);
	gen_big("big-1t.jsonl", "0x10000000000", p1t, sizeof p1t);
	{
		char *cs[] = { "vmscope", "dump", psmall, NULL };
		char *c4[] = { "vmscope", "dump", p4, NULL };
		char *c64[] = { "vmscope", "dump", p64, NULL };
		char *c1t[] = { "vmscope", "dump", p1t, NULL };

		measure2(cs, c4, &s, &g4);
		measure2(c64, c1t, &g64, &t1);
	}
	printf("7. allocate N, write it all, fork, the child writes one page (dump)\n");
	printf("     16 pages %.3f s; 4 GiB %.3f s %ld MB; 64 GiB %.3f s%s; 1 TiB %.3f s%s\n",
	       s.sec, g4.sec, g4.rss_kb / 1024, g64.sec, g64.status ? " (failed)" : "", t1.sec,
	       t1.status ? " (failed)" : "");
	verdict("4 GiB well under a second (< 0.5 s)", no_failed_step(p4) && g4.sec < 0.5,
	        "%.3f s%s", g4.sec, no_failed_step(p4) ? "" : " (a step failed)");
	verdict("64 GiB costs what a small region does (<= 2x)",
	        no_failed_step(p64) && g64.sec <= 2 * s.sec, "%.2fx%s", g64.sec / s.sec,
	        no_failed_step(p64) ? "" : " (a step failed)");
	verdict("1 TiB costs what a small region does (<= 2x)",
	        no_failed_step(p1t) && t1.sec <= 2 * s.sec, "%.2fx%s", t1.sec / s.sec,
	        no_failed_step(p1t) ? "" : " (a step failed: the model refuses it)");
}

/* The player's screen of the same traces: its page strips and the detail
 * view's page grid, for 16 pages and for 1 TiB. */
static void
target_big_screen(void)
{
	char p1t[256], psmall[256];
	struct run s = { 0 }, t1 = { 0 };

	gen_big("big-16k.jsonl", "16p", psmall, sizeof psmall);
	gen_big("big-1t.jsonl", "0x10000000000", p1t, sizeof p1t);
	{
		char *cs[] = { "vmscope", "render", "--size", "100x40", "--step", "4", "--key",
		               "<Tab><Enter>", psmall, NULL };
		char *c1t[] = { "vmscope", "render", "--size", "100x40", "--step", "4", "--key",
		                "<Tab><Enter>", p1t, NULL };

		measure2(cs, c1t, &s, &t1);
	}
	printf("7. the same, on screen: render --step 4 with the child's detail and page grid\n");
	printf("     16 pages %.3f s; 1 TiB %.3f s %ld MB%s\n", s.sec, t1.sec, t1.rss_kb / 1024,
	       t1.status ? " (failed)" : "");
	verdict("1 TiB on screen costs what a small region does (<= 2x)",
	        t1.status == 0 && t1.sec <= 2 * s.sec, "%.2fx", t1.sec / s.sec);
}

static void
target_first_screen(void)
{
	char p10k[256], p1m[256];
	struct run a = { 0 }, b = { 0 };

	gen_events("events-10k.jsonl", 10000, p10k, sizeof p10k);
	gen_events("events-1m.jsonl", 1000000, p1m, sizeof p1m);
	{
		char *ca[] = { "vmscope", "render", "--size", "120x40", "--step", "5", p10k, NULL };
		char *cb[] = { "vmscope", "render", "--size", "120x40", "--step", "5", p1m, NULL };

		measure2(ca, cb, &a, &b);
	}
	printf("2. the first screen (render --step 5) of 10,000 vs 1,000,000 events\n");
	printf("     10k %.3f s; 1M %.3f s %ld MB%s\n", a.sec, b.sec, b.rss_kb / 1024,
	       (a.status | b.status) ? "  (a command failed)" : "");
	verdict("1M / 10k first screen <= 3", b.sec / a.sec <= 3, "%.2fx", b.sec / a.sec);
}

/* A helper process with NMAPS one-page mappings of alternating
 * protections (so that none merge), written or read; it waits on RFD. */
static void
map_helper(int rfd, int nmaps)
{
	char *base = (char *)0x200000000ul, c = 0;

	for (int i = 0; i < nmaps; i++) {
		int prot = (i % 2) ? PROT_READ : PROT_READ | PROT_WRITE;
		char *p = mmap(base + (size_t)i * 8192, 4096, prot,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p == MAP_FAILED)
			_exit(2);
		if (prot & PROT_WRITE)
			p[0] = 1;
		else
			c += *(volatile char *)p;
	}
	(void)c;
	while (read(rfd, &c, 1) > 0)
		;
	_exit(0);
}

/*
 * How fast each CPU this bench may use runs the same work now (a fixed
 * loop, best of 3, pinned): on a shared or virtual machine one may run at
 * half the speed of another for minutes at a time.  attach reads on two
 * threads and so goes at the slower one's pace, while cat runs on one;
 * uneven CPUs move the ratio a lot (1.15x and 1.66x within a minute here),
 * and the report says so rather than leave it to be guessed.
 */
static void
cpu_speeds(const char *when, char *out, size_t len)
{
	cpu_set_t set, one;
	double best[8], lo = 1e9, hi = 0;
	int ids[8], n = 0;
	size_t at = 0;

	out[0] = '\0';
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return;
	for (int c = 0; c < CPU_SETSIZE && n < 8; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof one, &one) != 0)
			continue;
		best[n] = 1e9;
		for (int r = 0; r < 3; r++) {
			double t0 = bench_seconds(CLOCK_MONOTONIC), t;
			volatile unsigned long x = 0;

			for (unsigned long i = 0; i < 20000000ul; i++)
				x += i * i;
			(void)x;
			t = bench_seconds(CLOCK_MONOTONIC) - t0;
			best[n] = t < best[n] ? t : best[n];
		}
		lo = best[n] < lo ? best[n] : lo;
		hi = best[n] > hi ? best[n] : hi;
		ids[n++] = c;
	}
	(void)sched_setaffinity(0, sizeof set, &set);
	if (n < 2)
		return;
	at += (size_t)snprintf(out + at, len - at, "     the same work on each CPU, %s:", when);
	for (int i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(out + at, len - at, " cpu%d %.1f ms", ids[i], best[i] * 1e3);
	if (hi / lo > 1.2 && at < len)
		at += (size_t)snprintf(out + at, len - at, " -- uneven (%.2fx): attach, on two "
		                       "threads, goes at the slower one's pace, cat at the one it "
		                       "gets", hi / lo);
	if (at < len)
		snprintf(out + at, len - at, "\n");
}

static void
target_proc(void)
{
	int pfd[2];
	pid_t helper;
	char pid[16], cap[256], trace[256], sh1[600], sh2[1400], sh3[600];
	struct run cat = { 0 }, att = { 0 }, imp = { 0 }, pmap = { 0 };
	char speeds_before[400], speeds_after[400];

	if (access("/proc/self/smaps", R_OK) != 0 || pipe(pfd) != 0) {
		printf("3-4. skipped: no /proc/self/smaps\n");
		return;
	}
	fflush(stdout);
	if ((helper = fork()) == 0) {
		close(pfd[1]);
		map_helper(pfd[0], 20000);
	}
	close(pfd[0]);
	usleep(300000);
	snprintf(pid, sizeof pid, "%d", (int)helper);
	snprintf(cap, sizeof cap, "%s/cap.smaps", dir);
	snprintf(trace, sizeof trace, "%s/attach.jsonl", dir);
	snprintf(sh1, sizeof sh1, "cat /proc/%s/smaps > /dev/null", pid);
	/* The capture is taken once, before: the target is import + dump. */
	snprintf(sh2, sizeof sh2, "cat /proc/%s/smaps > %s", pid, cap);
	if (system(sh2) != 0)
		printf("     (could not capture /proc/%s/smaps)\n", pid);
	snprintf(sh2, sizeof sh2, "'%s' import smaps %s -o %s/imp.jsonl && '%s' dump --json "
	         "%s/imp.jsonl > /dev/null", vmscope, cap, dir, vmscope, dir);
	snprintf(sh3, sizeof sh3, "pmap -X %s > /dev/null", pid);
	{
		char *ccat[] = { "/bin/sh", "-c", sh1, NULL };
		char *catt[] = { "vmscope", "attach", pid, "--count", "1", "--batch", "-o", trace, NULL };
		char *cimp[] = { "/bin/sh", "-c", sh2, NULL };
		char *cpmap[] = { "/bin/sh", "-c", sh3, NULL };

		/* Runs of tens of milliseconds: the machine's noise (a busy
		 * core beside, say) weighs more; more runs even it out.  Each
		 * attach writes a new trace, as one sample would: replacing the
		 * last run's 6.5 MB file would add the file system's freeing of
		 * it (about 3.5 ms on ext4), which is not attach's work. */
		int pin = pin_cpu;

		fresh_out = trace;
		pin_cpu = -1;
		cpu_speeds("before", speeds_before, sizeof speeds_before);
		measure2n(ccat, catt, &cat, &att, ROUNDS_MAX);
		pin_cpu = pin;
		fresh_out = NULL;
		measure2(cimp, command_exists("pmap") ? cpmap : NULL, &imp, &pmap);
	}
	close(pfd[1]);
	waitpid(helper, NULL, 0);
	printf("3. one attach sample of a 20,000-mapping process, written to a trace "
	       "(medians of %d)\n", ROUNDS_MAX);
	printf("     cat /proc/PID/smaps %.3f s; vmscope attach --count 1 --batch -o T %.3f s\n",
	       cat.sec, att.sec);
	cpu_speeds("after", speeds_after, sizeof speeds_after);
	printf("%s%s", speeds_before, speeds_after);
	verdict("attach / raw smaps read <= 1.5", att.status == 0 && att.sec / cat.sec <= 1.5,
	        "%.2fx", att.sec / cat.sec);
	printf("4. import smaps of that capture + dump --json, against pmap -X\n");
	if (!command_exists("pmap")) {
		printf("     import + dump %.3f s; pmap not installed (Debian: procps)\n", imp.sec);
		return;
	}
	printf("     import smaps + dump --json %.3f s; pmap -X %.3f s\n", imp.sec, pmap.sec);
	verdict("import + dump / pmap -X <= 0.5", imp.status == 0 && imp.sec / pmap.sec <= 0.5,
	        "%.2fx", imp.sec / pmap.sec);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} targets[] = {
		{ "names", target_names }, { "first-screen", target_first_screen },
		{ "forkloop", target_forkloop }, { "big", target_big }, { "big-screen", target_big_screen }, { "proc", target_proc },
	};
	char cmd[300];

	if (argc < 2) {
		fprintf(stderr, "usage: %s VMSCOPE [names|first-screen|forkloop|big|big-screen|proc]...\n",
		        argv[0]);
		return 2;
	}
	vmscope = argv[1];
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	{
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 1)
			for (int c = 0; c < CPU_SETSIZE && pin_cpu < 0; c++)
				if (CPU_ISSET(c, &set))
					pin_cpu = c;
	}
	printf("bench-scale: whole vmscope processes, medians of %d runs, inputs in %s", ROUNDS, dir);
	if (pin_cpu >= 0)
		printf(" (single-threaded runs on CPU %d)", pin_cpu);
	printf("\n");
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		bool want = argc == 2;

		for (int a = 2; a < argc; a++)
			want |= strcmp(argv[a], targets[i].name) == 0;
		if (want)
			targets[i].fn();
	}
	printf("bench-scale: %d target%s met, %d not met\n", npass, npass == 1 ? "" : "s", nfail);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_scale: could not remove %s\n", dir);
	return 0;
}
