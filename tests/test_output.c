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
	/* One escaping for every name. */
	char e[64];
	tap_is_str(name_escape("a|b\nc\x1b[31m\xff\\", e, sizeof(e)), "a?b?c?[31m\\xFF\\\\",
	           "name_escape: |, newline, ESC, a bad byte and a backslash");
	tap_is_str(name_escape("x\xc2\x9by\xe2\x80\xaez\xe2\x80\xa8", e, sizeof(e)), "x?y?z?",
	           "name_escape: a C1 control, a bidi override and a line separator");
	tap_is_str(name_escape("\xc3\xa9t\xc3\xa9", e, 4), "\xc3\xa9t",
	           "name_escape cuts on a character boundary, never inside one");
	tap_is_str(name_escape("ab\xff", e, 5), "ab", "... nor inside an escape");
	/* --max-output: long output goes first, then folders' perfdata; the totals stay. */
	static char perf[4096], lines[4096], out[2048];
	perf[0] = lines[0] = '\0';
	for (int i = 0; i < 32; i++) {
		char one[128];
		snprintf(one, sizeof(one), "%sfolder%02d_und=0;;0;0\nfolder%02d_und_age=0s;;;0",
		         i ? "\n" : "", i, i);
		strcat(perf, one);
		snprintf(one, sizeof(one), "%sline %d", i ? "\n" : "", i);
		strcat(lines, one);
	}
	strcat(perf, "\ntotal_und=0;;;0\ntotal_und_age=0s;;;0");
	char sum[1200];
	memset(sum, 'S', sizeof(sum) - 1);
	sum[sizeof(sum) - 1] = '\0';
	size_t len = output_render(sum, perf, lines, 1024, out);
	tap_ok(len <= 1024, "32 folders at 1024 bytes: within the cap");
	tap_ok(strstr(out, "total_und=0;;;0 total_und_age=0s;;;0") != NULL,
	       "a summary too long for the cap still leaves room for the totals");
	output_render("CCMC_UND OK - x", perf, lines, 1024, out);
	tap_ok(strstr(out, "total_und=0") && strstr(out, "folder00_und=0") &&
	           !strstr(out, "line 0"),
	       "at 1024 bytes: the totals and the first folders' perfdata, no long output");
	tap_ok(strstr(out, "perfdata entries and 32 lines not shown; raise --max-output") != NULL,
	       "the last line says what was left out");
	return tap_done();
}
