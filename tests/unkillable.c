/*
 * A stand-in for "sudo -n systemctl stop ...", run as an unprivileged user:
 * installed setuid root, it makes root its real user too, as sudo does, so
 * that its caller may no longer signal it, then sleeps and runs the rest of
 * its arguments. Usage: unkillable SECONDS [PROGRAM ARGS...]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2 || setresuid(0, 0, 0) < 0) {
		perror("unkillable");
		return 2;
	}
	sleep((unsigned)atoi(argv[1]));
	if (argc > 2) {
		execv(argv[2], argv + 2);
		perror("unkillable");
		return 127;
	}
	return 0;
}
