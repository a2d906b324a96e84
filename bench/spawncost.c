/*
 * What a child process costs a short-lived program: exits at once ("none"),
 * or first forks and waits for a child that exits ("fork"), or does the same
 * with clone(CLONE_VM), which copies no page tables ("clonevm").
 * Usage: spawncost none|fork|clonevm
 */
#include "config.h"

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024];

static int child(void *arg)
{
	(void)arg;
	return 0;
}

int main(int argc, char **argv)
{
	pid_t pid = -1;
	int status;

	if (argc != 2)
		return 2;
	if (strcmp(argv[1], "fork") == 0) {
		pid = fork();
		if (pid == 0)
			_exit(0);
	} else if (strcmp(argv[1], "clonevm") == 0) {
		pid = clone(child, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);
	} else if (strcmp(argv[1], "none") != 0) {
		return 2;
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	return 0;
}
