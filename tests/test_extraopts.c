/* --extra-opts: the spec, reading a section, and the rewritten argv. */
#include "config.h"

#include "extraopts.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct option opts[] = {
    {"store", required_argument, NULL, 'R'},
    {"dir", required_argument, NULL, 'd'},
    {"critical", required_argument, NULL, 'c'},
    {"no-backlog", no_argument, NULL, 1},
    {NULL, 0, NULL, 0},
};

static char dir[] = "/tmp/test_extraopts.XXXXXX";
static char path[256];

static void write_file(const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void test_spec(void)
{
	struct extra_opts_spec s;
	char err[256];

	tap_is_int(extra_opts_spec_parse("", "prog", "/etc/x.ini", &s, err, sizeof(err)), 0,
	           "spec: empty takes both defaults");
	tap_is_str(s.section, "prog", "spec: default section");
	tap_is_str(s.file, "/etc/x.ini", "spec: default file");
	extra_opts_spec_parse("shared", "prog", "/etc/x.ini", &s, err, sizeof(err));
	tap_is_str(s.section, "shared", "spec: a section alone");
	tap_is_str(s.file, "/etc/x.ini", "spec: a section alone keeps the default file");
	extra_opts_spec_parse("@/srv/y.ini", "prog", "/etc/x.ini", &s, err, sizeof(err));
	tap_is_str(s.section, "prog", "spec: @FILE keeps the default section");
	tap_is_str(s.file, "/srv/y.ini", "spec: @FILE");
	extra_opts_spec_parse("a@b@c", "prog", "/etc/x.ini", &s, err, sizeof(err));
	tap_is_str(s.section, "a", "spec: the section ends at the first @");
	tap_is_str(s.file, "b@c", "spec: the file may hold an @");
	tap_is_int(extra_opts_spec_parse("a@", "p", "/f", &s, err, sizeof(err)), -1,
	           "spec: an @ with no file is an error");
	tap_ok(strstr(err, "no file after '@'") != NULL, "spec: and says so");
}

static int expand(int argc, char **argv, int *n, char ***out, char *err)
{
	return extra_opts_expand(argc, argv, opts, "prog", path, n, out, err, 512);
}

static void test_expand(void)
{
	char *argv1[] = {"prog", "--critical=1", "--extra-opts", "-d", "x", NULL};
	char *argv2[] = {"prog", "--extra-opts=shared", "--", "--extra-opts", NULL};
	char *argv3[] = {"prog", "-c", "3", NULL};
	char err[512];
	char **out;
	int n;

	write_file("; comment\n[prog]\nstore = /srv/ccmc\nno-backlog =\n\n[shared]\ndir = "
	           "/a\ndir = /b\n",
	           0644);
	tap_is_int(expand(5, argv1, &n, &out, err), 0, "expand: the default section is read");
	tap_is_int(n, 6, "expand: argv[0], two file options, three from the command line");
	tap_is_str(out[1], "--store=/srv/ccmc", "expand: key = value becomes --key=value");
	tap_is_str(out[2], "--no-backlog", "expand: a flag has no value");
	tap_is_str(out[3], "--critical=1", "expand: command-line options follow, so they win");
	tap_is_str(out[4], "-d", "expand: --extra-opts itself is removed");
	tap_is_str(out[5], "x", "expand: the rest follows in order");
	tap_ok(out[6] == NULL, "expand: argv stays NULL-terminated");
	extra_opts_free(out, 5, argv1); /* under ASan, a leak or a bad free fails the run */
	tap_is_int(expand(4, argv2, &n, &out, err), 0, "expand: a named section");
	tap_is_str(out[1], "--dir=/a", "expand: a repeated key repeats the option (1)");
	tap_is_str(out[2], "--dir=/b", "expand: a repeated key repeats the option (2)");
	tap_is_str(out[3], "--", "expand: the end-of-options marker is kept");
	tap_is_str(out[4], "--extra-opts", "expand: nothing after -- is taken as --extra-opts");
	extra_opts_free(out, 4, argv2);
	tap_is_int(expand(3, argv3, &n, &out, err), 0, "expand: no --extra-opts");
	tap_ok(out == argv3 && n == 3, "expand: without --extra-opts argv is left as it is");
	extra_opts_free(out, 3, argv3); /* argv itself: nothing to free */
	/* The packaged ini ships its sections with comments only: no error, nothing set. */
	char *argv4[] = {"prog", "--extra-opts", "-c", "2", NULL};
	write_file("[prog]\n; store = /srv/ccmc\n[other]\nstore = /x\n", 0644);
	tap_is_int(expand(4, argv4, &n, &out, err), 0,
	           "expand: a section of comments only is no error");
	if (!tap_ok(n == 3 && strcmp(out[1], "-c") == 0, "expand: ... and sets nothing"))
		printf("#   n %d, out[1] %s\n", n, out[1]);
	extra_opts_free(out, 4, argv4);
}

static void expect_error(const char *text, mode_t mode, const char *want, const char *what)
{
	char *argv[] = {"prog", "--extra-opts", NULL};
	char err[512] = "";
	char **out;
	int n;

	if (text)
		write_file(text, mode);
	tap_is_int(expand(2, argv, &n, &out, err), -1, what);
	if (!tap_ok(strstr(err, want) != NULL, "... with the reason"))
		printf("#   got '%s'\n#  want '%s'\n", err, want);
}

static void test_errors(void)
{
	expect_error("[prog]\nstoer = /x\n", 0644, "line 2: 'stoer' is not an option",
	             "error: a misspelt key");
	expect_error("[prog]\nextra-opts = prog\n", 0644, "'extra-opts' is not an option",
	             "error: a file cannot pull in another");
	expect_error("[prog]\nstore =\n", 0644, "'store' needs a value", "error: no value");
	expect_error("[prog]\nno-backlog = yes\n", 0644, "'no-backlog' is a flag",
	             "error: a value for a flag");
	expect_error("[other]\nstore = /x\n", 0644, "no section [prog]", "error: no section");
	expect_error("[prog2]\n", 0644, "no section [prog]", "error: a section of another name");
	expect_error("[prog\nstore = /x\n", 0644, "line 1: a section name is not closed with ']'",
	             "error: a broken header");
	expect_error("[prog]\nstore = /x\n", 0664, "refused", "error: a group-writable file");
	expect_error("[prog]\nstore = /x\n", 0646, "refused", "error: an other-writable file");
	unlink(path);
	expect_error(NULL, 0, "No such file or directory", "error: no file");
	mkfifo(path, 0644);
	expect_error(NULL, 0, "refused", "error: a FIFO is refused without blocking");
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof(path), "%s/ccmc-und.ini", dir);
	test_spec();
	test_expand();
	test_errors();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
