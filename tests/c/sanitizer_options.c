/*
 * Linked into the sanitizer builds of the programs (build/examples-c-asan and -ubsan): every
 * AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer report goes to a file under
 * TN_SANITIZER_LOG (".<pid>" appended), whatever environment a test starts the program with, so
 * the e2e tests can fail on any report. ASAN_OPTIONS and UBSAN_OPTIONS still override these.
 */
#ifndef TN_SANITIZER_LOG
#error "TN_SANITIZER_LOG must name the report file prefix"
#endif

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void) {
    return "log_path=" TN_SANITIZER_LOG ":detect_leaks=1";
}

const char *__ubsan_default_options(void) {
    return "log_path=" TN_SANITIZER_LOG ":print_stacktrace=1";
}
