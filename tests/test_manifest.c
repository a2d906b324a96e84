#include "config.h"

#include "manifest.h"
#include "tsvfield.h"
#include "tap.h"

static void escapes(const char *in, const char *want)
{
	char out[256], back[256], what[160];
	int n = field_escape(in, out, sizeof(out));

	snprintf(what, sizeof(what), "escape [%s]", want);
	tap_ok(n >= 0 && strcmp(out, want) == 0, what);
	snprintf(what, sizeof(what), "unescape [%s] gives the name back", want);
	tap_ok(field_unescape(out, strlen(out), back, sizeof(back)) == (int)strlen(in) &&
	           strcmp(back, in) == 0,
	       what);
}

int main(void)
{
	struct manifest_entry e = {.time = 1795608745, .size = 1234, .mtime = 1500000000}, p;
	char line[MANIFEST_LINE_MAX], buf[64];

	escapes("Msg1234.und", "Msg1234.und");
	escapes("a\tb\nc.und", "a\\x09b\\x0Ac.und");
	escapes("back\\slash.und", "back\\\\slash.und");
	escapes("caf\xc3\xa9.und", "caf\xc3\xa9.und");
	escapes("bad\xff\xc3.und", "bad\\xFF\\xC3.und");
	escapes("del\x7f.und", "del\\x7F.und");
	tap_ok(field_unescape("a\\q", 3, buf, sizeof(buf)) == -1, "an unknown escape is refused");
	tap_ok(field_unescape("a\\x0", 4, buf, sizeof(buf)) == -1, "a short \\x escape is refused");
	tap_ok(field_unescape("a\\x00", 5, buf, sizeof(buf)) == -1, "an escaped NUL is refused");
	tap_ok(field_escape("abcdef", buf, 4) == -1, "a field too long for its buffer is refused");

	strcpy(e.folder, "Import");
	strcpy(e.name, "x\ty.und");
	strcpy(e.sha256, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
	strcpy(e.path, "20261125T121225Z-cf52c0c1/Import/x\ty.und~1");
	int n = manifest_format(&e, line, sizeof(line));
	tap_is_str(line,
	           "2026-11-25T12:12:25Z\tImport\tx\\x09y.und\t1234\t2017-07-14T02:40:00Z\t"
	           "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\t"
	           "20261125T121225Z-cf52c0c1/Import/x\\x09y.und~1\n",
	           "a manifest line: seven fields, UTC times, the name escaped");
	line[n - 1] = '\0';
	tap_ok(manifest_parse(line, &p) == 0, "the line parses back");
	tap_ok(p.time == e.time && p.mtime == e.mtime && p.size == e.size &&
	           strcmp(p.name, e.name) == 0 && strcmp(p.path, e.path) == 0 &&
	           strcmp(p.folder, e.folder) == 0 && strcmp(p.sha256, e.sha256) == 0,
	       "every field survives the round trip");
	tap_ok(manifest_parse("# time\tfolder\tname\tsize\tmtime\tsha256\tquarantine", &p) == -1,
	       "the header is not an entry");
	tap_ok(manifest_parse("2026-11-25T12:12:25Z\tImport\tx.und\t12", &p) == -1,
	       "a line cut short is refused");
	tap_ok(
	    manifest_parse("2026-11-25T12:12:25Z\tImport\tx.und\t12\t2026-11-25T12:12:25Z\tabc\tp",
	                   &p) == -1,
	    "a short hash is refused");
	tap_is_str(utc_format(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z", "utc_format of 0");
	return tap_done();
}
