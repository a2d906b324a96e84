/*
 * The other way to keep libsmbclient out of local checks: load it with
 * dlopen only when an smb:// store is named. Measures that load (dlopen and
 * making a context) in-process, for BENCHMARKS.md, against the helper's exec.
 * Usage: dlopen_smb ROUNDS  (prints the median ms of a fresh process's load)
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* In a fresh process, as a check would: dlopen, find the symbol, make a context. */
static int load_once(void)
{
	void *h = dlopen("libsmbclient.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return 1;
	void *(*new_context)(void) = (void *(*)(void))dlsym(h, "smbc_new_context");
	return new_context && new_context() ? 0 : 1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 21;
	double ms[1000];

	if (rounds < 1 || rounds > 1000)
		return 2;
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms();
		pid_t p = fork();
		if (p == 0)
			_exit(load_once());
		int st;
		waitpid(p, &st, 0);
		ms[i] = now_ms() - t0;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 1;
	}
	qsort(ms, (size_t)rounds, sizeof(ms[0]), cmp);
	printf("%.2f\n", ms[rounds / 2]);
	return 0;
}
