/* SPDX-License-Identifier: MIT */
/*
 * many_maps.c -- a process of many mappings for the attach tests: maps N
 * one-page anonymous mappings of alternating protections (so that none
 * merge), writes to the writable ones, prints "ready" and waits until its
 * standard input ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	char c;

	if (n <= 0) {
		fprintf(stderr, "usage: many_maps N\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
		char *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("many_maps: mmap");
			return 1;
		}
		if (prot & PROT_WRITE)
			p[0] = 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
