/* SPDX-License-Identifier: MIT */
/* fork; the child execs ARGV[1]; wait; exit 0. */
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	pid_t pid;

	if (argc < 2)
		return 2;
	pid = fork();
	if (pid == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return 0;
}
