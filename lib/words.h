#ifndef ZW_WORDS_H
#define ZW_WORDS_H

/*
 * The word id in Chinese or English; id itself (the same pointer) if it
 * is no word, "" if NULL.
 */
const char	*words_text(const char *id, int en);

#endif
