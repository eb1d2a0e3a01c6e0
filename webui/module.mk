# zw-webui: the HTTPS web UI (libevent's evhttp, OpenSSL, Jansson).
WEBUI_SRCS	:= webui/main.c webui/server.c webui/limits.c webui/tls.c \
		   webui/session.c \
		   webui/login-pool.c \
		   webui/reply.c webui/html.c webui/form.c webui/state.c \
		   webui/svg.c webui/pages.c webui/page-account.c \
		   webui/page-overview.c webui/page-bandwidth.c \
		   webui/page-violations.c webui/page-exceptions.c \
		   webui/page-devices.c \
		   webui/page-admin.c webui/page-user-changes.c
WEBUI_OBJS	:= $(WEBUI_SRCS:%.c=$(O)/%.o) $(O)/webui/static.o
WEBUI_STATIC	:= webui/static/style.css webui/static/app.js \
		   webui/static/favicon.svg
WEBUI_LIBS	= $(shell pkg-config --libs libevent_openssl jansson libssl 2>/dev/null)

$(O)/webui/static.c: $(WEBUI_STATIC) webui/embed.sh
	@mkdir -p $(@D)
	$(call say,EMBED,$@)webui/embed.sh $@ $(WEBUI_STATIC)

$(O)/webui/%.o: ALL_CFLAGS += -Iwebui

# The generated file is compiled from the build tree.
$(O)/webui/static.o: $(O)/webui/static.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Iwebui -c $< -o $@

$(O)/zw-webui: $(WEBUI_OBJS) $(O)/libreport.a $(O)/libstate.a \
		$(O)/libadmin.a $(O)/libevents.a $(O)/libbase.a
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) \
	    $(REPORT_LIBS) $(WEBUI_LIBS)

ifneq ($(BUILD),fuzz)
all: $(O)/zw-webui
endif
ifeq ($(BUILD),release)
webui/zw-webui: $(O)/zw-webui
	$(Q)cp $< $@
all: webui/zw-webui
CLEAN_FILES	+= webui/zw-webui
endif

-include $(WEBUI_OBJS:.o=.d)
