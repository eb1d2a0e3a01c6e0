# zwctl: the administration command.
ZWCTL_SRCS	:= ctl/zwctl.c ctl/violations.c ctl/events.c ctl/trends.c \
		   ctl/audit.c ctl/report.c ctl/user.c ctl/admin.c \
		   ctl/backup.c ctl/review.c ctl/settings.c \
		   ctl/exceptions.c
ZWCTL_OBJS	:= $(ZWCTL_SRCS:%.c=$(O)/%.o)

$(O)/zwctl: $(ZWCTL_OBJS) $(O)/libreport.a $(O)/libadmin.a \
		$(O)/libevents.a $(O)/libbase.a
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(REPORT_LIBS)

ifneq ($(BUILD),fuzz)
all: $(O)/zwctl
endif
ifeq ($(BUILD),release)
ctl/zwctl: $(O)/zwctl
	$(Q)cp $< $@
all: ctl/zwctl
CLEAN_FILES	+= ctl/zwctl
endif

-include $(ZWCTL_OBJS:.o=.d)
