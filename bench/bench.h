/* SPDX-License-Identifier: MIT */
/*
 * bench.h -- timing helpers shared by the benchmark programs (not tests).
 */
#ifndef VMSCOPE_BENCH_H
#define VMSCOPE_BENCH_H

#include <stdlib.h>
#include <time.h>

/* Seconds on CLOCK (CLOCK_PROCESS_CPUTIME_ID for CPU time, which is
 * steadier on a shared machine; CLOCK_MONOTONIC for wall time). */
static inline double
bench_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of the N values at V (sorts them). */
static inline double
bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
