/* SPDX-License-Identifier: MIT */
/* mmap 4 pages, write 2, fork; the child writes 1; munmap; exit 3. */
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 4 * (size_t)ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	if (p == MAP_FAILED)
		return 1;
	memset(p, 1, 2 * (size_t)ps);
	pid = fork();
	if (pid == 0) {
		p[ps] = 2;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	munmap(p, 4 * (size_t)ps);
	return 3;
}
