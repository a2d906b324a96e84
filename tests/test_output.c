#include "config.h"

#include "output.h"
#include "tap.h"

static void escapes(const char *name, const char *want, const char *what)
{
	char mem[256];
	struct outbuf o;

	ob_init(&o, mem, sizeof(mem));
	ob_name(&o, name);
	tap_is_str(mem, want, what);
}

static void label(const char *in, const char *want)
{
	char buf[64], what[96];

	perf_label(buf, sizeof(buf), in);
	snprintf(what, sizeof(what), "label %s", want);
	tap_is_str(buf, want, what);
}

int main(void)
{
	char mem[512], dst[OUTPUT_MAX];
	struct outbuf o;
	struct range w, c;
	char err[64];
	int64_t v = 7;

	escapes("plain.und", "plain.und", "a plain name is unchanged");
	escapes("a|b.und", "a?b.und", "'|' would start perfdata");
	escapes("a\nb.und", "a?b.und", "a newline");
	escapes("a\tb\x7f", "a?b?", "tab and DEL");
	escapes("caf\xc3\xa9.und", "caf\xc3\xa9.und", "valid UTF-8 passes");
	escapes("bad\xff\xfe.und", "bad\\xFF\\xFE.und", "invalid bytes as \\xNN");
	escapes("\xc0\xaf", "\\xC0\\xAF", "an overlong form is not UTF-8");
	escapes("\xed\xa0\x80", "\\xED\\xA0\\x80", "a surrogate is not UTF-8");
	escapes("\xe2\x82", "\\xE2\\x82", "a truncated sequence");
	escapes("a\\x41", "a\\\\x41", "a backslash is doubled so escapes stay unambiguous");

	label("import_und", "import_und");
	label("with space", "'with space'");
	label("it's", "'it''s'");
	label("a=b", "a_b");

	range_parse("5", RANGE_COUNT, &w, err, sizeof(err));
	range_parse("@10:20", RANGE_COUNT, &c, err, sizeof(err));
	ob_init(&o, mem, sizeof(mem));
	ob_perf(&o, "import_und", &v, "", &w, &c, 0, -1);
	ob_perf(&o, "import_und_age", NULL, "s", NULL, NULL, 0, -1);
	ob_perf(&o, "x", &v, "B", NULL, NULL, -1, 100);
	tap_is_str(mem, "import_und=7;5;@10:20;0\nimport_und_age=U;;;0\nx=7B;;;;100",
	           "perfdata entries in the guideline syntax");

	size_t n = output_render("CCMC_UND OK - fine", "a=1;;;0;\nb=2;;;0;", "line 1\nline 2",
	                         OUTPUT_DEFAULT, dst);
	tap_is_str(dst, "CCMC_UND OK - fine | a=1;;;0; b=2;;;0;\nline 1\nline 2\n",
	           "summary, perfdata, long output");
	tap_is_int((int64_t)n, (int64_t)strlen(dst), "the length is returned");

	/* A long output over the cap loses whole lines from the end, and says so. */
	static char lng[20000];
	struct outbuf l;
	ob_init(&l, lng, sizeof(lng));
	for (int i = 0; i < 500; i++)
		ob_printf(&l, "%sfile%03d.und 1234 B, age 2h14m", i ? "\n" : "", i);
	n = output_render("CCMC_UND CRITICAL - 500 .und files", "import_und=500;;0;0;", lng,
	                  OUTPUT_MIN, dst);
	tap_ok(n <= OUTPUT_MIN, "the output stays within 1024 bytes");
	tap_ok(strstr(dst, "| import_und=500;;0;0;\n") != NULL, "perfdata is kept whole");
	tap_ok(strstr(dst, "more lines not shown") != NULL, "dropped lines are counted");
	tap_ok(dst[n - 1] == '\n', "it ends in a newline");
	const char *last = strrchr(dst, '\n');
	for (last--; last > dst && *last != '\n'; last--)
		;
	tap_ok(strncmp(last + 1, "(", 1) == 0, "the note is the last line");

	/* A summary over the cap is cut with "...". */
	static char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	n = output_render(big, "a=1", "", OUTPUT_MIN, dst);
	tap_ok(n <= OUTPUT_MIN && strstr(dst, "...") != NULL, "an over-long summary is cut");

	ob_init(&o, mem, 8);
	ob_printf(&o, "0123456789");
	tap_ok(o.truncated && o.len == 0, "an outbuf refuses what does not fit");
	return tap_done();
}
