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
    {"stopped", SVC_STOPPED}, {"inactive", SVC_STOPPED},   {"running", SVC_RUNNING},
    {"active", SVC_RUNNING},  {"started", SVC_RUNNING},
};

/* Words that turn the state word after them around: "not", "no", "never", "isn't". */
static const char *const negations[] = {"not", "no", "never", "t"};

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && strncasecmp(w, s, n) == 0;
}

/* "t" negates only as the end of "isn't", "wasn't", "aren't". */
static bool is_negation(const char *out, size_t at, size_t n)
{
	for (size_t i = 0; i < sizeof(negations) / sizeof(negations[0]); i++)
		if (word_is(out + at, n, negations[i]))
			return i < 3 || (at >= 2 && out[at - 1] == '\'' &&
			                 (out[at - 2] == 'n' || out[at - 2] == 'N'));
	return false;
}

/*
 * The state a whole word names. Negated, a running word is stopped ("is not
 * running", as LSB scripts say); any other negated state word ("not
 * stopped", "not inactive") places nothing and makes the answer unknown.
 */
static enum svc_state word_state(const char *w, size_t n, bool negated, bool *unplaced)
{
	for (size_t i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++) {
		if (!word_is(w, n, status_words[i].word))
			continue;
		if (!negated)
			return status_words[i].state;
		if (status_words[i].state == SVC_RUNNING)
			return SVC_STOPPED;
		*unplaced = true;
		return SVC_UNKNOWN;
	}
	return SVC_UNKNOWN;
}

/* Each kind of state word the output holds, as a set of 1 << state bits. */
static unsigned states_named(const char *out, size_t len, bool *unplaced)
{
	unsigned seen = 0;
	bool negated = false;

	for (size_t i = 0; i < len;) {
		if (!is_letter(out[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < len && is_letter(out[j]))
			j++;
		/* "Active:" in "Active: inactive (dead)" names a field, not a state. */
		bool label = j < len && out[j] == ':';
		enum svc_state s =
		    label ? SVC_UNKNOWN : word_state(out + i, j - i, negated, unplaced);
		if (s != SVC_UNKNOWN)
			seen |= 1u << s;
		negated = is_negation(out, i, j - i);
		i = j;
	}
	return seen;
}

enum svc_state status_parse(const char *out, size_t len, int exit_code)
{
	bool unplaced = false;
	unsigned seen = states_named(out, len, &unplaced);

	/* Only 0 and LSB's 3 ("not running") are answers; any other exit is an error. */
	if (unplaced || (exit_code != 0 && exit_code != 3))
		return SVC_UNKNOWN;
	if (seen == 0)
		return exit_code == 0 ? SVC_RUNNING : SVC_STOPPED;
	/* "stop pending" is neither stopped nor running yet. */
	if (seen & (1u << SVC_PENDING))
		return SVC_PENDING;
	if (seen == (1u << SVC_STOPPED))
		return SVC_STOPPED;
	/* Running with LSB's "not running" exit, or running and stopped at once, contradict. */
	if (seen == (1u << SVC_RUNNING) && exit_code == 0)
		return SVC_RUNNING;
	return SVC_UNKNOWN;
}

const char *svc_state_name(enum svc_state s)
{
	static const char *const names[] = {"unknown", "running", "stopped", "pending"};
	return names[s];
}
