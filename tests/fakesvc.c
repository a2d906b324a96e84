/*
 * A connector stand-in for the crash tests, which kill the handler at its
 * Nth write, rename, unlink or sync call while tracing its children too:
 * this one makes none of those calls. Stopped is a directory.
 * Usage: fakesvc DIR stop|start|status   (status exits 0 running, 3 stopped)
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096];
	struct stat st;

	if (argc != 3 || snprintf(path, sizeof(path), "%s/stopped", argv[1]) >= (int)sizeof(path))
		return 2;
	if (strcmp(argv[2], "stop") == 0)
		return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : 1;
	if (strcmp(argv[2], "start") == 0)
		return rmdir(path) == 0 || errno == ENOENT ? 0 : 1;
	if (strcmp(argv[2], "status") == 0)
		return stat(path, &st) == 0 ? 3 : 0;
	return 2;
}
