/*
 * Runs commands alternately, RUNS rounds, and prints per command the median,
 * lowest and highest wall time and the peak RSS, so ratios come from one run
 * under the same conditions.
 * Usage: timeit RUNS LABEL CMD [ARG...] [:: LABEL CMD [ARG...]]...
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD 8
#define MAXRUNS 1000

struct cmd {
	const char *label;
	char **argv;
	double ms[MAXRUNS];
	long maxrss_kb;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One run: wall time, and the child's own peak RSS from wait4(). */
static double run_once(struct cmd *c)
{
	double t0 = now_ms();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		perror("timeit");
		exit(1);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		fprintf(stderr, "timeit: cannot run %s\n", c->argv[0]);
		exit(1);
	}
	if (ru.ru_maxrss > c->maxrss_kb)
		c->maxrss_kb = ru.ru_maxrss;
	return now_ms() - t0;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAXCMD];
	int ncmd = 0, runs;

	if (argc < 4 || (runs = atoi(argv[1])) < 1 || runs > MAXRUNS) {
		fprintf(stderr, "usage: timeit RUNS LABEL CMD [ARG...] [:: LABEL CMD...]...\n");
		return 2;
	}
	for (int i = 2; i < argc && ncmd < MAXCMD;) {
		cmds[ncmd].label = argv[i];
		cmds[ncmd].argv = &argv[i + 1];
		cmds[ncmd].maxrss_kb = 0;
		int j = i + 1;
		while (j < argc && strcmp(argv[j], "::") != 0)
			j++;
		if (j < argc)
			argv[j] = NULL;
		ncmd++;
		i = j + 1;
	}
	for (int r = 0; r < runs; r++)
		for (int c = 0; c < ncmd; c++)
			cmds[c].ms[r] = run_once(&cmds[c]);
	printf("label\tmedian_ms\tmin_ms\tmax_ms\tmaxrss_kb\n");
	for (int c = 0; c < ncmd; c++) {
		qsort(cmds[c].ms, (size_t)runs, sizeof(double), cmp_double);
		printf("%s\t%.3f\t%.3f\t%.3f\t%ld\n", cmds[c].label, cmds[c].ms[runs / 2],
		       cmds[c].ms[0], cmds[c].ms[runs - 1], cmds[c].maxrss_kb);
	}
	return 0;
}
