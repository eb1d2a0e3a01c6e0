# zw-poller: SNMP polling of the switches, RRD trends.
POLLER_SRCS	:= poller/if-table.c poller/if-walk.c poller/snmp-poll.c \
		   poller/rates.c poller/net-events.c
POLLER_OBJS	:= $(POLLER_SRCS:%.c=$(O)/%.o)
POLLER_MAIN	:= $(O)/poller/main.o

$(O)/libpoller.a: $(POLLER_OBJS)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(O)/zw-poller: $(POLLER_MAIN) $(O)/libpoller.a $(O)/libevents.a \
		$(O)/libbase.a
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SNMP_LIBS)

$(O)/poller/%.o: ALL_CFLAGS += -Ipoller

ifneq ($(BUILD),fuzz)
all: $(O)/zw-poller
endif
ifeq ($(BUILD),release)
poller/zw-poller: $(O)/zw-poller
	$(Q)cp $< $@
all: poller/zw-poller
CLEAN_FILES	+= poller/zw-poller
endif

-include $(POLLER_OBJS:.o=.d) $(POLLER_MAIN:.o=.d)
