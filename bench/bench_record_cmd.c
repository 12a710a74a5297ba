/* SPDX-License-Identifier: MIT */
/*
 * bench_record_cmd.c -- what `vmscope record -- COMMAND` costs a
 * syscall-heavy program (`make bench-record-cmd`, not a test).
 *
 * The program is this binary run as "--child": SYSCALLS getppid() calls,
 * with an mmap + write + munmap of one page every 100 of them (so the
 * recorder also has events to write and memory to look at).  Whole
 * processes, wall time, medians of ROUNDS rounds, side by side: the
 * program alone, and under `vmscope record -o /dev/null --`.  The ratio
 * is the recorder's slowdown.
 */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define SYSCALLS 200000
#define ROUNDS 5

/* The syscall-heavy program. */
static int
child(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	for (int i = 0; i < SYSCALLS; i++) {
		if (getppid() < 0)
			return 1;
		if (i % 100 == 0) {
			char *p = mmap(NULL, (size_t)ps, PROT_READ | PROT_WRITE,
			               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED)
				return 1;
			p[0] = (char)i;
			munmap(p, (size_t)ps);
		}
	}
	return 0;
}

/* Run ARGV to completion; its wall time in ms, or -1. */
static double
run(char *const *argv)
{
	double t0 = bench_seconds(CLOCK_MONOTONIC);
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return (bench_seconds(CLOCK_MONOTONIC) - t0) * 1e3;
}

int
main(int argc, char **argv)
{
	char self[4096];
	ssize_t n;
	double plain[ROUNDS], traced[ROUNDS], mp, mt;

	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return child();
	if (argc < 2) {
		fprintf(stderr, "usage: bench_record_cmd VMSCOPE\n");
		return 2;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0)
		return 1;
	self[n] = '\0';
	for (int r = 0; r < ROUNDS; r++) {
		char *const p[] = { self, (char *)"--child", NULL };
		char *const t[] = { argv[1], (char *)"record", (char *)"-o", (char *)"/dev/null",
		                    (char *)"--", self, (char *)"--child", NULL };

		plain[r] = run(p);
		traced[r] = run(t);
		if (plain[r] < 0 || traced[r] < 0) {
			fprintf(stderr, "bench_record_cmd: a run failed (ptrace not permitted?)\n");
			return 1;
		}
	}
	mp = bench_median(plain, ROUNDS);
	mt = bench_median(traced, ROUNDS);
	printf("record -- COMMAND: %d getppid + %d mmap/write/munmap, median of %d rounds\n",
	       SYSCALLS, SYSCALLS / 100, ROUNDS);
	printf("  untraced            %9.1f ms\n", mp);
	printf("  vmscope record      %9.1f ms   %.1fx\n", mt, mt / mp);
	return 0;
}
