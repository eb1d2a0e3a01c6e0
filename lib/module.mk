# What every process shares: logging, number parsing, addresses, the
# configuration reader and longest-prefix match.
LIB_SRCS	:= lib/log.c lib/parse.c lib/netaddr.c lib/lpm.c \
		   lib/conf-parse.c lib/conf.c lib/conf-rules.c \
		   lib/conf-check.c lib/conf-devices.c lib/conf-agent.c lib/store.c lib/audit.c lib/afile.c \
		   lib/syslog-out.c lib/rrd-out.c lib/rrd-query.c \
		   lib/escape.c
LIB_OBJS	:= $(LIB_SRCS:%.c=$(O)/%.o)
-include $(LIB_OBJS:.o=.d)
