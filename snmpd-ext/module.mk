# zw-agentx: the AgentX subagent of ZONEWATCH-MIB (net-snmp's agent library).
AGENTX_SRCS	:= snmpd-ext/main.c snmpd-ext/mib-view.c snmpd-ext/mib-zonewatch.c \
		   snmpd-ext/notify.c
AGENTX_OBJS	:= $(AGENTX_SRCS:%.c=$(O)/%.o)
AGENT_LIBS	= $(shell net-snmp-config --agent-libs 2>/dev/null) -ljansson

$(O)/zw-agentx: $(AGENTX_OBJS) $(O)/libstate.a $(O)/libevents.a \
		$(O)/libbase.a
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(AGENT_LIBS)

$(O)/snmpd-ext/%.o: ALL_CFLAGS += -Isnmpd-ext

ifneq ($(BUILD),fuzz)
all: $(O)/zw-agentx
endif
ifeq ($(BUILD),release)
snmpd-ext/zw-agentx: $(O)/zw-agentx
	$(Q)cp $< $@
all: snmpd-ext/zw-agentx
CLEAN_FILES	+= snmpd-ext/zw-agentx
endif

-include $(AGENTX_OBJS:.o=.d)
