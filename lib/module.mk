LIB_SRCS	:= lib/log.c lib/parse.c
LIB_OBJS	:= $(LIB_SRCS:%.c=$(O)/%.o)
-include $(LIB_OBJS:.o=.d)
