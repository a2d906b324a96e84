#include "config.h"

#include "usage.h"

#include "output.h"

void usage_report(const struct usage *u, const char *fmt, va_list ap)
{
	char msg[2048], safe[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(u->to, "%s%s%s\n", u->head, name_escape(msg, safe, sizeof(safe)), u->tail);
	fflush(u->to);
	fputs(u->text, stderr);
	fflush(stderr);
}
