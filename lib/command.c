#include "config.h"

#include "command.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Appends one character of the current word; false when the buffer is full. */
static bool put(struct command *c, size_t *len, char ch)
{
	if (*len + 1 >= sizeof(c->buf))
		return false;
	c->buf[(*len)++] = ch;
	return true;
}

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* Reads one word starting at *p into c; advances *p past it. */
static int split_word(const char **p, struct command *c, size_t *len, char *err, size_t errlen)
{
	const char *s = *p;
	char quote = 0;

	for (; *s && (quote || !is_blank(*s)); s++) {
		char ch = *s;
		if (quote == '\'' && ch == '\'') {
			quote = 0;
			continue;
		}
		if (quote == '"' && ch == '"') {
			quote = 0;
			continue;
		}
		if (!quote && (ch == '\'' || ch == '"')) {
			quote = ch;
			continue;
		}
		if (ch == '\\' && quote != '\'' && (!quote || s[1] == '"' || s[1] == '\\')) {
			if (!*++s)
				return fail(err, errlen, "a backslash ends the command");
			ch = *s;
		}
		if (!put(c, len, ch))
			return fail(err, errlen, "the command is too long");
	}
	if (quote)
		return fail(err, errlen,
		            quote == '"' ? "a \" quote is not closed" : "a ' quote is not closed");
	*p = s;
	return 0;
}

int command_split(const char *line, struct command *c, char *err, size_t errlen)
{
	size_t len = 0;
	const char *p = line;

	c->argc = 0;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		if (c->argc == COMMAND_ARGS_MAX)
			return fail(err, errlen, "the command has too many words");
		c->argv[c->argc++] = c->buf + len;
		if (split_word(&p, c, &len, err, errlen) < 0 || !put(c, &len, '\0'))
			return err[0] ? -1 : fail(err, errlen, "the command is too long");
	}
	c->argv[c->argc] = NULL;
	if (c->argc == 0)
		return fail(err, errlen, "the command is empty");
	if (c->argv[0][0] != '/')
		return fail(err, errlen, "the program must be an absolute path");
	return 0;
}

static const struct {
	const char *word;
	enum svc_state state;
} status_words[] = {
    {"pending", SVC_PENDING}, {"activating", SVC_PENDING}, {"deactivating", SVC_PENDING},
    {"stopped", SVC_STOPPED}, {"inactive", SVC_STOPPED},   {"dead", SVC_STOPPED},
    {"running", SVC_RUNNING}, {"active", SVC_RUNNING},     {"started", SVC_RUNNING},
};

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The state a whole word names, given the word before it; SVC_UNKNOWN for none. */
static enum svc_state word_state(const char *w, size_t n, const char *prev, size_t pn)
{
	for (size_t i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++) {
		const char *sw = status_words[i].word;
		if (strlen(sw) != n || strncasecmp(w, sw, n) != 0)
			continue;
		if (status_words[i].state == SVC_RUNNING && pn == 3 &&
		    strncasecmp(prev, "not", 3) == 0)
			return SVC_STOPPED;
		return status_words[i].state;
	}
	return SVC_UNKNOWN;
}

enum svc_state status_parse(const char *out, size_t len, int exit_code)
{
	enum svc_state best = SVC_UNKNOWN;
	const char *prev = "";
	size_t pn = 0;

	for (size_t i = 0; i < len;) {
		if (!is_letter(out[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && is_letter(out[j]))
			j++;
		enum svc_state s = word_state(out + i, j - i, prev, pn);
		/* PENDING outranks STOPPED outranks RUNNING: "stop pending" is not stopped yet. */
		if (s != SVC_UNKNOWN && (best == SVC_UNKNOWN || s > best))
			best = s;
		prev = out + i;
		pn = j - i;
		i = j;
	}
	if (best != SVC_UNKNOWN)
		return best;
	if (exit_code == 0)
		return SVC_RUNNING;
	return exit_code == 3 ? SVC_STOPPED : SVC_UNKNOWN;
}

const char *svc_state_name(enum svc_state s)
{
	static const char *const names[] = {"unknown", "running", "stopped", "pending"};
	return names[s];
}
