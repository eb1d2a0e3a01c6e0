# lib/ is built as libraries by trust domain, and a program links only
# those it uses:
#   libbase     what every process shares: logging, number parsing,
#               addresses, the configuration, longest-prefix match, files
#               written whole, the privilege drop and the sandbox, the
#               syslog and RRD outputs, the words of the UI
#   libevents   the event store (what traffic makes) and the audit head
#               as published for the daemons that send it out
#   libadmin    the administrators' store: accounts, TOTP, the user
#               changes waiting for a second administrator, the audit
#               trail; the web UI and zwctl only (never the collector,
#               the poller or the subagent)
#   libreport   reports and signatures (cairo, pango); libstate what the
#               subagent and the web UI read of the appliance
BASE_SRCS	:= lib/log.c lib/parse.c lib/netaddr.c lib/lpm.c \
		   lib/conf-parse.c lib/conf.c lib/conf-rules.c \
		   lib/conf-check.c lib/conf-devices.c lib/conf-settings.c \
		   lib/afile.c lib/privdrop.c lib/sandbox.c \
		   lib/syslog-out.c lib/rrd-out.c lib/rrd-query.c \
		   lib/escape.c lib/words.c
EVENTS_SRCS	:= lib/store.c lib/store-exceptions.c lib/store-key.c \
		   lib/audit-head.c
ADMIN_SRCS	:= lib/store-admin.c lib/audit.c lib/users.c \
		   lib/user-changes.c lib/totp.c
LIB_SRCS	:= $(BASE_SRCS) $(EVENTS_SRCS) $(ADMIN_SRCS)
LIB_OBJS	:= $(LIB_SRCS:%.c=$(O)/%.o)
-include $(LIB_OBJS:.o=.d)

$(O)/libbase.a: $(BASE_SRCS:%.c=$(O)/%.o)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(O)/libevents.a: $(EVENTS_SRCS:%.c=$(O)/%.o)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(O)/libadmin.a: $(ADMIN_SRCS:%.c=$(O)/%.o)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# Reports and their signatures: cairo and pango for the PDF, so only the
# programs that export reports link them (zwctl, the web UI).
REPORT_SRCS	:= lib/report.c lib/report-build.c lib/report-out.c \
		   lib/report-pdf.c lib/sign.c
REPORT_OBJS	:= $(REPORT_SRCS:%.c=$(O)/%.o)
REPORT_CFLAGS	= $(patsubst -I%,-isystem %,$(shell pkg-config --cflags pangocairo 2>/dev/null))
REPORT_LIBS	= $(shell pkg-config --libs pangocairo 2>/dev/null)

$(REPORT_OBJS): ALL_CFLAGS += $(REPORT_CFLAGS)

$(O)/libreport.a: $(REPORT_OBJS)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

-include $(REPORT_OBJS:.o=.d)

# What the subagent and the web UI read of the appliance (Jansson).
$(O)/libstate.a: $(O)/lib/agent-state.o
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

-include $(O)/lib/agent-state.d
