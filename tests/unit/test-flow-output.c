/*
 * Flow records: escaping of hostile names into CSV and JSON, the columns
 * the conformance check relies on, and atomic files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sys/stat.h>

#include <errno.h>
#include <string.h>

#include "afile.h"
#include "dpi.h"
#include "escape.h"
#include "words.h"
#include "flow-output.h"

static void
test_csv_escape(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} rows[] = {
		{ "www.example.cn", "www.example.cn" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "line\nbreak", "\"line\nbreak\"" },
		{ "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0" },
		{ "+1", "'+1" },
		{ "@SUM(1)", "'@SUM(1)" },
		{ "-", "-" },
		{ "-2+3", "'-2+3" },
		{ "", "" },
	};
	char	 buf[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		escape_csv(buf, sizeof(buf), rows[i].in);
		assert_string_equal(buf, rows[i].out);
	}
	/* Truncated to fit, never overrun. */
	escape_csv(buf, 8, "\"\"\"\"\"\"\"\"\"\"");
	assert_true(strlen(buf) < 8);
}

/* The words the web UI and the reports share. */
static void
test_words(void **state)
{
	(void)state;
	assert_string_equal(words_text("high", 0), "高");
	assert_string_equal(words_text("high", 1), "high");
	assert_string_equal(words_text("township", 0), "乡镇");
	assert_string_equal(words_text("no-such-word", 0), "no-such-word");
	assert_string_equal(words_text(NULL, 1), "");
}

static void
test_json_escape(void **state)
{
	char	 buf[128];

	(void)state;
	escape_json(buf, sizeof(buf), "a\"b\\c\n\x01\xe4\xb8\xad");
	assert_string_equal(buf, "a\\\"b\\\\c\\u000a\\u0001\xe4\xb8\xad");
	/* Not UTF-8: a lone continuation, a cut sequence, an overlong '/'. */
	escape_json(buf, sizeof(buf), "\x80x\xe4\xb8y\xc0\xaf\xff");
	assert_string_equal(buf, "\\u0080x\\u00e4\\u00b8y\\u00c0\\u00af"
	    "\\u00ff");
	/* A surrogate (U+D800) is not a character. */
	escape_json(buf, sizeof(buf), "\xed\xa0\x80");
	assert_string_equal(buf, "\\u00ed\\u00a0\\u0080");
	escape_json(buf, 5, "\x01\x02");
	assert_true(strlen(buf) < 5);
}

static void
test_addr(void **state)
{
	uint8_t	 a[16] = { 192, 0, 2, 1 };
	uint8_t	 b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	char	 buf[64];

	(void)state;
	flow_output_addr(a, 4, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1");
	flow_output_addr(b, 6, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
}

static char *
slurp(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	*buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_non_null(buf);
	(void)fread(buf, 1, 65535, fp);
	fclose(fp);
	return buf;
}

static void
test_records(void **state)
{
	struct dpi_conf		 dc;
	struct dpi		*d;
	struct flow_output	*csv, *json;
	struct flow		 f;
	char			 dir[] = "/tmp/zw-test-XXXXXX", path[256],
				 jpath[256];
	char			*text;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/flows.csv", dir);
	snprintf(jpath, sizeof(jpath), "%s/flows.json", dir);
	dpi_conf_default(&dc);
	assert_non_null(d = dpi_new(&dc));
	memset(&f, 0, sizeof(f));
	f.key.ipver = 4;
	f.key.proto = 6;
	f.key.lo[0] = 10;
	f.key.hi[0] = 192;
	f.key.lo_port = 443;
	f.key.hi_port = 50000;
	f.key.vlan = 12;
	f.pkts[0] = 3;
	f.bytes[0] = 300;
	f.pkts[1] = 2;
	f.bytes[1] = 120;
	f.app.master = 91;	/* TLS */
	f.app.app = 126;	/* Google */
	snprintf(f.app.host, sizeof(f.app.host), "evil,\"host\"\n");

	assert_non_null(csv = flow_output_open(path, "csv", 1));
	assert_non_null(json = flow_output_open(jpath, "json", 1));
	flow_output_write(csv, &f, FLOW_END_FIN, d, NULL);
	flow_output_write(json, &f, FLOW_END_FIN, d, NULL);
	/* Nothing is visible at the final path before the commit. */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(flow_output_close(csv, 1), 0);
	assert_int_equal(flow_output_close(json, 1), 0);

	text = slurp(path);
	assert_non_null(strstr(text, "l4proto,lower_ip,lower_port,upper_ip,"
	    "upper_port,vlan,"));
	assert_non_null(strstr(text, ",ndpi_proto,"));
	assert_non_null(strstr(text, ",packets,bytes,"));
	assert_non_null(strstr(text, "TCP,10.0.0.0,443,192.0.0.0,50000,12,,"
	    "TLS.Google,TLS,Google,"));
	assert_non_null(strstr(text, ",3,300,2,120,5,420,"));
	assert_non_null(strstr(text, "\"evil,\"\"host\"\"\n\""));
	free(text);
	text = slurp(jpath);
	assert_non_null(strstr(text, "\"ndpi_proto\":\"TLS.Google\""));
	assert_non_null(strstr(text, "\"vlan\":12,"));
	assert_non_null(strstr(text, "\"hostname\":\"evil,\\\"host\\\"\\u000a\""));
	free(text);

	/* An uncommitted file leaves no trace and the old one in place. */
	assert_non_null(csv = flow_output_open(path, "csv", 1));
	assert_int_equal(flow_output_close(csv, 0), 0);
	text = slurp(path);
	assert_non_null(strstr(text, "TLS.Google"));
	free(text);

	assert_null(flow_output_open(path, "xml", 1));
	assert_int_equal(flow_output_format_known("json"), 1);
	assert_int_equal(flow_output_format_known("xml"), 0);
	unlink(path);
	unlink(jpath);
	rmdir(dir);
	dpi_free(d);
}

/* The directories a file goes in: made, again without harm, not past. */
static void
test_mkdirs(void **state)
{
	char		 top[] = "/tmp/zw-mkdirs-XXXXXX", path[256], d[256];
	char		 huge[5000];
	struct stat	 sb;
	mode_t		 um = umask(0);

	(void)state;
	umask(um);
	assert_non_null(mkdtemp(top));
	snprintf(path, sizeof(path), "%s/a/b/c/file.rrd", top);
	assert_int_equal(afile_mkdirs(path), 0);
	snprintf(d, sizeof(d), "%s/a/b/c", top);
	assert_int_equal(stat(d, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0750 & ~um);
	/* The file itself is not made, as a directory or at all. */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(afile_mkdirs(path), 0);
	/* A file where a directory must go. */
	snprintf(d, sizeof(d), "%s/a/plain", top);
	fclose(fopen(d, "w"));
	snprintf(path, sizeof(path), "%s/a/plain/x/y", top);
	assert_int_equal(afile_mkdirs(path), -1);
	memset(huge, 'a', sizeof(huge) - 1);
	huge[0] = '/';
	huge[sizeof(huge) - 1] = '\0';
	errno = 0;
	assert_int_equal(afile_mkdirs(huge), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	unlink(d);
	snprintf(d, sizeof(d), "rm -rf '%s'", top);
	assert_int_equal(system(d), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_escape),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_mkdirs),
	};

	return cmocka_run_group_tests_name("flow-output", tests, NULL, NULL);
}
