/*
 * zwctl settings: the table of settings (lib/conf-settings.c) as an
 * operator reads it, with the configuration's values, or as the man
 * page's list (--mdoc), which zonewatch.conf.5 holds and the tests
 * compare with it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "zwctl.h"

/* A roff text line may not begin with a dot or an apostrophe. */
static void
mdoc_text(const char *s)
{
	if (s[0] == '.' || s[0] == '\'')
		fputs("\\&", stdout);
	for (; *s != '\0'; s++)
		if (*s == '\\')
			fputs("\\e", stdout);
		else
			putchar(*s);
}

static void
mdoc(void)
{
	const struct conf_setting	*s;
	char				 def[CONF_PATH_MAX], who[128];

	printf(".Bl -tag -width Ds\n");
	for (s = conf_settings; s->name != NULL; s++) {
		conf_setting_default(s, def, sizeof(def));
		conf_setting_readers(s, who, sizeof(who));
		printf(".It Ic %s Ar %s\n", s->name, conf_setting_kind(s));
		/* A sentence each: the table's phrases begin in lower case. */
		putchar(toupper((unsigned char)s->doc[0]));
		mdoc_text(s->doc + 1);
		printf(".\n");
		if (s->kind == CONF_T_NUMBER)
			printf("From %llu to %llu%s%s%s.\n",
			    (unsigned long long)s->lo,
			    (unsigned long long)s->hi, s->why ? " (" : "",
			    s->why ? s->why : "", s->why ? ")" : "");
		if (def[0] != '\0') {
			printf("Default:\n.Ql ");
			mdoc_text(def);
			printf(" .\n");
		}
		printf("Read by %s.\n", who);
	}
	printf(".El\n");
}

int
zwctl_settings(struct zwctl *ctx, int argc, char **argv)
{
	const struct conf_setting	*s;
	const struct conf		*c;
	char				 v[CONF_PATH_MAX], def[CONF_PATH_MAX];
	char				 who[128];

	if (argc == 1 && strcmp(argv[0], "--mdoc") == 0) {
		mdoc();
		return 0;
	}
	if (argc != 0) {
		log_warnx("usage: zwctl settings [--mdoc]");
		return ZWCTL_USAGE;
	}
	/*
	 * A configuration that does not load says why, and fails; with none
	 * at all (the default path absent), the defaults are shown.
	 */
	if ((c = zwctl_conf(ctx, 0)) == NULL && (ctx->config_given ||
	    access(ctx->config, F_OK) == 0))
		return ZWCTL_FAILED;
	printf("%-20s %-30s %-30s %s\n", "setting", "value", "default",
	    "read by");
	for (s = conf_settings; s->name != NULL; s++) {
		if (c != NULL)
			conf_setting_value(c, s, v, sizeof(v));
		else
			conf_setting_default(s, v, sizeof(v));
		conf_setting_default(s, def, sizeof(def));
		conf_setting_readers(s, who, sizeof(who));
		printf("%-20s %-30s %-30s %s\n", s->name, v[0] ? v : "-",
		    def[0] ? def : "-", who);
	}
	return 0;
}
