# What every process shares: logging, number parsing, addresses, the
# configuration reader and longest-prefix match.
LIB_SRCS	:= lib/log.c lib/parse.c lib/netaddr.c lib/lpm.c \
		   lib/conf-parse.c lib/conf.c lib/conf-rules.c \
		   lib/conf-check.c lib/conf-devices.c lib/conf-agent.c \
		   lib/store.c lib/store-admin.c lib/store-key.c lib/audit.c lib/afile.c lib/users.c \
		   lib/user-changes.c lib/totp.c lib/privdrop.c lib/sandbox.c \
		   lib/syslog-out.c lib/rrd-out.c lib/rrd-query.c \
		   lib/escape.c lib/words.c
LIB_OBJS	:= $(LIB_SRCS:%.c=$(O)/%.o)
-include $(LIB_OBJS:.o=.d)

# Reports and their signatures: cairo and pango for the PDF, so only the
# programs that export reports link them (zwctl, the web UI).
REPORT_SRCS	:= lib/report.c lib/report-build.c lib/report-out.c \
		   lib/report-pdf.c lib/sign.c
REPORT_OBJS	:= $(REPORT_SRCS:%.c=$(O)/%.o)
REPORT_CFLAGS	= $(patsubst -I%,-isystem %,$(shell pkg-config --cflags pangocairo 2>/dev/null))
REPORT_LIBS	= $(shell pkg-config --libs pangocairo 2>/dev/null)

$(REPORT_OBJS): ALL_CFLAGS += $(REPORT_CFLAGS)

$(O)/libreport.a: $(REPORT_OBJS)
	$(call say,AR,$@)$(AR) rcs $@ $^

-include $(REPORT_OBJS:.o=.d)

# What the subagent and the web UI read of the appliance (Jansson).
$(O)/libstate.a: $(O)/lib/agent-state.o
	$(call say,AR,$@)$(AR) rcs $@ $^

-include $(O)/lib/agent-state.d
