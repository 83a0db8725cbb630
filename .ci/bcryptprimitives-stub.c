/* A stand-in for Windows' own bcryptprimitives.dll, for running ruff under Wine in CI only (never
 * shipped).
 *
 * Programs built with Rust 1.78 or later (ruff.exe, which tests/tools/make_expected_schema.py runs
 * under the Windows Python) take random numbers from ProcessPrng in bcryptprimitives.dll, which
 * Windows 8 and later ship and Wine 8.0 lacks, so they would not start. This one fills the buffer
 * from RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * .ci/windows builds this with x86_64-w64-mingw32-gcc into the Wine prefix's System32.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
