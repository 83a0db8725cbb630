/* A stand-in for Windows' own icuuc.dll, for running Qt under Wine in CI only (never shipped).
 *
 * Windows 10 (1903 and later) and 11 ship icuuc.dll in System32 and Qt6Core links against it for
 * text codecs; Wine has none, so Qt6Core would not load. Every converter "fails to open", which
 * makes Qt fall back to its own UTF-8/UTF-16/Latin-1 codecs: the only ones the program uses.
 * .ci/windows builds this with x86_64-w64-mingw32-gcc into the Wine prefix's System32.
 */
#include <stddef.h>
#include <stdint.h>

typedef int UErrorCode;
#define U_FILE_ACCESS_ERROR 4
#define U_UNSUPPORTED_ERROR 16
#define EXPORT __declspec(dllexport)

static void fail(UErrorCode *error, UErrorCode code) {
    if (error != NULL && *error <= 0) *error = code;
}

EXPORT void *ucnv_open(const char *name, UErrorCode *error) {
    (void)name;
    fail(error, U_FILE_ACCESS_ERROR);
    return NULL;
}
EXPORT void ucnv_close(void *converter) { (void)converter; }
EXPORT void ucnv_reset(void *converter) { (void)converter; }
EXPORT int8_t ucnv_getMaxCharSize(const void *converter) { (void)converter; return 1; }
EXPORT const char *ucnv_getName(const void *converter, UErrorCode *error) {
    (void)converter;
    fail(error, U_UNSUPPORTED_ERROR);
    return NULL;
}
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *error) {
    (void)name; (void)standard;
    fail(error, U_UNSUPPORTED_ERROR);
    return NULL;
}
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT void ucnv_getToUCallBack(const void *c, void **action, const void **context) {
    (void)c; if (action) *action = NULL; if (context) *context = NULL;
}
EXPORT void ucnv_getFromUCallBack(const void *c, void **action, const void **context) {
    (void)c; if (action) *action = NULL; if (context) *context = NULL;
}
EXPORT void ucnv_setToUCallBack(void *c, void *a, const void *ctx, void **oa, const void **octx,
                                UErrorCode *error) {
    (void)c; (void)a; (void)ctx; (void)oa; (void)octx;
    fail(error, U_UNSUPPORTED_ERROR);
}
EXPORT void ucnv_setFromUCallBack(void *c, void *a, const void *ctx, void **oa, const void **octx,
                                  UErrorCode *error) {
    (void)c; (void)a; (void)ctx; (void)oa; (void)octx;
    fail(error, U_UNSUPPORTED_ERROR);
}
EXPORT void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl,
                           int32_t *o, int flush, UErrorCode *error) {
    (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)flush;
    fail(error, U_UNSUPPORTED_ERROR);
}
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl,
                             int32_t *o, int flush, UErrorCode *error) {
    (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)flush;
    fail(error, U_UNSUPPORTED_ERROR);
}
EXPORT int32_t ucnv_toUCountPending(const void *c, UErrorCode *error) {
    (void)c; fail(error, U_UNSUPPORTED_ERROR); return 0;
}
EXPORT int32_t ucnv_fromUCountPending(const void *c, UErrorCode *error) {
    (void)c; fail(error, U_UNSUPPORTED_ERROR); return 0;
}
EXPORT void ucnv_cbToUWriteUChars(void *args, const void *source, int32_t length, int32_t offset,
                                  UErrorCode *error) {
    (void)args; (void)source; (void)length; (void)offset;
    fail(error, U_UNSUPPORTED_ERROR);
}
EXPORT void ucnv_cbFromUWriteUChars(void *args, const void **source, const void *limit,
                                    int32_t offset, UErrorCode *error) {
    (void)args; (void)source; (void)limit; (void)offset;
    fail(error, U_UNSUPPORTED_ERROR);
}
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *ctx, void *args, const void *units,
                                            int32_t length, int32_t point, int reason,
                                            UErrorCode *error) {
    (void)ctx; (void)args; (void)units; (void)length; (void)point; (void)reason;
    fail(error, U_UNSUPPORTED_ERROR);
}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *ctx, void *args, const char *units,
                                          int32_t length, int reason, UErrorCode *error) {
    (void)ctx; (void)args; (void)units; (void)length; (void)reason;
    fail(error, U_UNSUPPORTED_ERROR);
}
